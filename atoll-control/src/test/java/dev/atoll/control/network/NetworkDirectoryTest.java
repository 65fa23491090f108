package dev.atoll.control.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.federation.Federation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The directory asks a site for its members when the version it spread changed, not on every refresh. */
class NetworkDirectoryTest {
    private final List<String> asked = new ArrayList<>();
    private final Map<String, Long> spread = new HashMap<>();

    /** Two sites; only the three calls the directory makes are answered. */
    private final Federation federation = (Federation) Proxy.newProxyInstance(
            Federation.class.getClassLoader(),
            new Class<?>[] {Federation.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "siteNames" -> List.of("london", "paris");
                case "networkMembersVersions" -> Map.copyOf(spread);
                case "networkMembers" -> {
                    asked.add((String) args[0]);
                    yield CompletableFuture.completedFuture(List.of());
                }
                default -> throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void aSiteIsAskedAgainOnlyWhenItSpreadANewVersion() {
        var directory = new NetworkDirectory();
        spread.put("london", 7L);
        spread.put("paris", 3L);

        directory.refresh(federation, Set.of(), false);
        directory.refresh(federation, Set.of(), true);
        spread.put("paris", 9L);
        directory.refresh(federation, Set.of(), false);

        assertThat(asked).containsExactly("london", "paris", "paris");
    }

    @Test
    void aSiteThatSpreadsNoVersionIsAskedOnTheSchedule() {
        var directory = new NetworkDirectory();

        directory.refresh(federation, Set.of(), false);
        directory.refresh(federation, Set.of(), false);
        directory.refresh(federation, Set.of(), true);

        // Empty answers: asked again only when everyone is.
        assertThat(asked).containsExactly("london", "paris", "london", "paris");
    }

    @Test
    void aSiteGivenUpForDeadIsDroppedAndAskedAfresh() {
        var directory = new NetworkDirectory();
        spread.put("london", 7L);
        spread.put("paris", 3L);
        directory.refresh(federation, Set.of(), false);

        directory.refresh(federation, Set.of("paris"), false);
        long versionWhileDead = directory.version();
        directory.refresh(federation, Set.of(), false);

        assertThat(asked).containsExactly("london", "paris", "paris");
        assertThat(versionWhileDead).isPositive();
    }
}
