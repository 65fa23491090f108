package dev.atoll.cli.bench;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a benchmark step by polling every 5 ms, for at most a minute. */
final class Poll {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private Poll() {}

    static void until(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline)
                throw new IllegalStateException("benchmark step did not finish within " + LIMIT);
            Thread.sleep(5);
        }
    }
}
