package dev.atoll.control.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RttProbeTest {
    private final ManualClock clock = new ManualClock();
    private final Map<String, CompletableFuture<Void>> pending = new HashMap<>();
    private final List<String> probed = new ArrayList<>();
    private final List<String> unreachable = new ArrayList<>();
    private Set<String> sites = Set.of("paris", "berlin");

    private final RttProbe probe = new RttProbe(
            site -> {
                probed.add(site);
                var answer = new CompletableFuture<Void>();
                pending.put(site, answer);
                return answer;
            },
            () -> sites,
            clock,
            8,
            unreachable::add);

    private void answerAfter(String site, long micros) {
        clock.advance(Duration.ofNanos(micros * 1000));
        pending.remove(site).complete(null);
    }

    @Test
    void theFirstSampleIsTakenAsItIsAndLaterOnesMoveItByAnEighth() {
        probe.probeRound();
        answerAfter("paris", 800);
        assertThat(probe.rttMs()).containsOnlyKeys("paris").containsEntry("paris", 0.8);

        probe.probeRound();
        answerAfter("paris", 1600);

        assertThat(probe.rttMs().get("paris")).isCloseTo(0.8 + (1.6 - 0.8) / 8, within(1e-9));
    }

    @Test
    void aSiteThatDoesNotAnswerIsReportedOnceUntilItAnswersAgain() {
        probe.probeRound();
        pending.remove("berlin").completeExceptionally(new IllegalStateException("timeout"));
        probe.probeRound();
        pending.remove("berlin").completeExceptionally(new IllegalStateException("timeout"));
        assertThat(unreachable).containsExactly("berlin");

        probe.probeRound();
        answerAfter("berlin", 500);
        probe.probeRound();
        pending.remove("berlin").completeExceptionally(new IllegalStateException("timeout"));

        assertThat(unreachable).containsExactly("berlin", "berlin");
    }

    @Test
    void aRoundProbesAtMostItsShareOfSitesTakingTurns() {
        sites = Set.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");

        probe.probeRound();
        probe.probeRound();

        assertThat(probed)
                .containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "a", "b", "c", "d", "e", "f");
    }

    @Test
    void aSiteThatIsNoLongerAMemberLosesItsFigure() {
        probe.probeRound();
        answerAfter("berlin", 300);
        sites = Set.of("paris");

        probe.probeRound();

        assertThat(probe.rttMs()).doesNotContainKey("berlin");
    }

    /** A clock that moves only when told, so a measured time is exactly what the test says. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-11-23T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
