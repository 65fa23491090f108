package dev.atoll.agent.restart;

import java.time.Duration;

/**
 * How an agent paces restarts: exponential back-off from {@code backOffInitial}, times
 * {@code backOffMultiplier} per quick exit, at most {@code backOffMax}; a process that ran for
 * {@code resetAfter} counts as having recovered. {@code crashLoopExits} exits within
 * {@code crashLoopWindow} make it crash-looping.
 */
public record RestartRules(
        Duration backOffInitial,
        double backOffMultiplier,
        Duration backOffMax,
        Duration resetAfter,
        int crashLoopExits,
        Duration crashLoopWindow) {
    public static final RestartRules DEFAULTS = new RestartRules(
            Duration.ofMillis(100), 2.0, Duration.ofSeconds(30), Duration.ofSeconds(10), 3, Duration.ofSeconds(30));

    public RestartRules {
        if (backOffInitial.isNegative() || backOffMax.compareTo(backOffInitial) < 0) {
            throw new IllegalArgumentException("back-off must satisfy 0 <= initial <= max");
        }
        if (backOffMultiplier < 1.0) throw new IllegalArgumentException("back-off multiplier must be >= 1");
        if (crashLoopExits < 1) throw new IllegalArgumentException("crash-loop threshold must be >= 1");
    }
}
