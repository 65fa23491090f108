package dev.atoll.sim.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.GeoPoint;
import dev.atoll.sim.engine.SimScheduler;
import dev.atoll.sim.scenario.SiteLatency;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SimNetworkTest {
    /** a-b 10 ms one way, a-c 30 ms, b-c 20 ms. */
    private static final SiteLatency LATENCY = new SiteLatency() {
        @Override
        public long oneWayMicros(String from, String to) {
            if (from.equals(to)) return 100;
            String pair = from.compareTo(to) < 0 ? from + to : to + from;
            return switch (pair) {
                case "ab" -> 10_000;
                case "ac" -> 30_000;
                default -> 20_000;
            };
        }

        @Override
        public long userToSiteMicros(GeoPoint user, String site) {
            return 5_000;
        }
    };

    private final SimScheduler scheduler = new SimScheduler();

    private SimNetwork network(double loss) {
        return new SimNetwork(scheduler, LATENCY, loss, 42, List.of("a", "b", "c"));
    }

    @Test
    void aCallIsAnsweredAfterTheDelayThereAndBack() {
        var network = network(0);
        long[] handledAt = {-1};
        CompletableFuture<String> answer = network.call("a", "b", () -> {
            handledAt[0] = scheduler.nowNanos();
            return CompletableFuture.completedFuture("pong");
        });
        scheduler.runUntilDone(answer, Duration.ofSeconds(5));

        assertThat(answer).isCompletedWithValue("pong");
        assertThat(handledAt[0]).isEqualTo(Duration.ofMillis(10).toNanos());
        assertThat(scheduler.elapsed()).isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void aSlowLinkAddsItsDelayEachWay() {
        var network = network(0);
        network.slowLink("b", "a", 40);
        CompletableFuture<String> answer = network.call("a", "b", () -> CompletableFuture.completedFuture("pong"));
        scheduler.runUntilDone(answer, Duration.ofSeconds(5));
        assertThat(scheduler.elapsed()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aCallAcrossAPartitionFailsAfterTheCallTimeoutWithoutReachingTheTarget() {
        var network = network(0);
        network.partition(Set.of("c"));
        boolean[] reached = {false};
        CompletableFuture<String> answer = network.call("a", "c", () -> {
            reached[0] = true;
            return CompletableFuture.completedFuture("pong");
        });
        scheduler.runUntilDone(answer, Duration.ofSeconds(5));

        assertThat(answer).isCompletedExceptionally();
        assertThat(reached[0]).isFalse();
        assertThat(scheduler.elapsed()).isEqualTo(SimNetwork.CALL_TIMEOUT);
        assertThat(network.reaches("a", "b")).isTrue();
    }

    @Test
    void aCutOffSiteIsGivenUpForDeadOnlyAfterTheDetectionTimeAndByBothSides() {
        var network = network(0);
        network.partition(Set.of("c"));
        assertThat(network.deadSeenFrom("a")).isEmpty();

        scheduler.runUntil(SimNetwork.DETECTION.toNanos());

        assertThat(network.deadSeenFrom("a")).containsExactly("c");
        assertThat(network.deadSeenFrom("c")).containsExactly("a", "b");
        network.heal(Set.of("c"));
        assertThat(network.deadSeenFrom("a")).isEmpty();
    }

    @Test
    void withEveryMessageLostNoCallIsAnswered() {
        var network = network(1.0);
        CompletableFuture<String> answer = network.call("a", "b", () -> CompletableFuture.completedFuture("pong"));
        scheduler.runUntilDone(answer, Duration.ofSeconds(5));
        assertThat(answer).isCompletedExceptionally();
    }
}
