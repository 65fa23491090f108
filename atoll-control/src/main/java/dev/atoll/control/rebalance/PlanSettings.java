package dev.atoll.control.rebalance;

import dev.atoll.placement.rebalance.MoveRateLimit;
import java.time.Duration;
import java.util.Objects;

/**
 * How a site's background optimizer runs.
 *
 * @param every how often the site works out a new plan by itself; null: only when asked (a plan
 *     older than {@code maxAge} is worked out again when someone asks for it)
 * @param maxAge how long a kept plan answers before a request works it out again
 * @param moveLimit moves the optimizer's local search evaluates (its bound, and what makes it
 *     deterministic)
 * @param rate how gradually a plan is applied ({@code atoll plan apply})
 * @param moveTimeout how long an applied move may take before the plan stops waiting for it
 */
public record PlanSettings(Duration every, Duration maxAge, int moveLimit, MoveRateLimit rate, Duration moveTimeout) {
    /**
     * Plans only when asked, at most once a minute, applied only when asked, two moves at a time:
     * nothing moves that an operator did not ask for.
     */
    public static final PlanSettings DEFAULT =
            new PlanSettings(null, Duration.ofMinutes(1), 2_000, MoveRateLimit.DEFAULT, Duration.ofSeconds(90));

    public PlanSettings {
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(rate, "rate");
        Objects.requireNonNull(moveTimeout, "moveTimeout");
        if (every != null && every.toMillis() < 100)
            throw new IllegalArgumentException("every must be 100ms or more, got " + every);
        if (moveLimit < 1) throw new IllegalArgumentException("moveLimit must be 1 or more, got " + moveLimit);
    }

    public PlanSettings withEvery(Duration d) {
        return new PlanSettings(d, maxAge, moveLimit, rate, moveTimeout);
    }

    public PlanSettings withRate(MoveRateLimit r) {
        return new PlanSettings(every, maxAge, moveLimit, r, moveTimeout);
    }
}
