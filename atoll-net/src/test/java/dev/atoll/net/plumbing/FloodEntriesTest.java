package dev.atoll.net.plumbing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class FloodEntriesTest {
    @Test
    void onlyTheAllZeroEntriesAreFloodDestinations() {
        String fdb = """
                66:5a:46:cb:99:19 master atnb000064
                5a:3a:14:2d:1e:7b master atnb000064 permanent
                66:5a:46:cb:99:19 dst 198.18.0.3 self
                00:00:00:00:00:00 dst 198.18.0.3 self permanent
                00:00:00:00:00:00 dst 198.18.0.4 self permanent
                """;
        assertThat(FloodEntries.parse(fdb)).containsExactly("198.18.0.3", "198.18.0.4");
    }

    @Test
    void theChangesAreTheDifferencesBothWays() {
        FloodEntries changes =
                FloodEntries.changes(Set.of("198.18.0.3", "198.18.0.4"), Set.of("198.18.0.3", "198.18.0.5"));
        assertThat(changes.toAdd()).containsExactly("198.18.0.5");
        assertThat(changes.toRemove()).containsExactly("198.18.0.4");
        assertThat(changes.none()).isFalse();
    }

    @Test
    void theSameSetNeedsNoChange() {
        assertThat(FloodEntries.changes(Set.of("198.18.0.3"), Set.of("198.18.0.3"))
                        .none())
                .isTrue();
    }
}
