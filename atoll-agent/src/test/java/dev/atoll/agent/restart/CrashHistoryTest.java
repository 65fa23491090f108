package dev.atoll.agent.restart;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CrashHistoryTest {
    private static final RestartRules RULES = RestartRules.DEFAULTS;
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration QUICK = Duration.ofMillis(50);

    private static CrashHistory quickExits(int n, Duration apart) {
        var h = CrashHistory.NONE;
        for (int i = 0; i < n; i++) h = h.afterExit(T0.plus(apart.multipliedBy(i)), QUICK, RULES);
        return h;
    }

    @Test
    void firstExitIsRestartedAfterTheInitialBackOff() {
        assertThat(quickExits(1, Duration.ofSeconds(1)).backOff(RULES)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void eachQuickExitInARowDoublesTheBackOff() {
        assertThat(quickExits(2, Duration.ofSeconds(1)).backOff(RULES)).isEqualTo(Duration.ofMillis(200));
        assertThat(quickExits(3, Duration.ofSeconds(1)).backOff(RULES)).isEqualTo(Duration.ofMillis(400));
        assertThat(quickExits(4, Duration.ofSeconds(1)).backOff(RULES)).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void backOffNeverExceedsTheMaximum() {
        assertThat(quickExits(40, Duration.ofSeconds(1)).backOff(RULES)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void threeExitsWithinTheWindowAreACrashLoop() {
        var history = quickExits(3, Duration.ofSeconds(5));
        assertThat(history.crashLooping(T0.plusSeconds(10), RULES)).isTrue();
    }

    @Test
    void twoExitsAreNotACrashLoop() {
        assertThat(quickExits(2, Duration.ofSeconds(1)).crashLooping(T0.plusSeconds(1), RULES))
                .isFalse();
    }

    @Test
    void exitsSpreadWiderThanTheWindowAreNotACrashLoop() {
        var history = quickExits(3, Duration.ofSeconds(20));
        assertThat(history.crashLooping(T0.plusSeconds(40), RULES)).isFalse();
        assertThat(history.recentExits()).hasSize(2);
    }

    @Test
    void aProcessThatStayedUpRestartsAfterTheInitialBackOffAgain() {
        var history = quickExits(5, Duration.ofSeconds(1)).afterExit(T0.plusSeconds(60), Duration.ofSeconds(30), RULES);
        assertThat(history.backOff(RULES)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void recoveringForgetsEverything() {
        assertThat(quickExits(5, Duration.ofSeconds(1)).recovered()).isEqualTo(CrashHistory.NONE);
    }

    @Test
    void historyStaysBoundedByTheThreshold() {
        assertThat(quickExits(1000, Duration.ofMillis(1)).recentExits()).hasSize(RULES.crashLoopExits());
    }
}
