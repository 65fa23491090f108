package dev.atoll.cli.move;

import dev.atoll.cli.ExitCodes;
import dev.atoll.cli.Session;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Follows an operation under way (a move, a drain) by looking at it every poll interval of the
 * session until it ends or {@code timeout} passes; then says how far it got, and fails. The loop
 * that {@code atoll move} and {@code atoll drain} share; what each looks at is its own.
 */
final class Follow {
    /** One look at the operation: the exit code it ended with, or empty while it goes on. */
    @FunctionalInterface
    interface Look {
        OptionalInt ended();
    }

    private Follow() {}

    /**
     * @param goesOn what to say when time is up (the operation itself is not stopped: it goes on
     *     at the sites); asked only then, so that it may say how far it got
     */
    static int until(Session session, Duration timeout, Look look, Supplier<String> goesOn)
            throws InterruptedException {
        var deadline = session.clock().instant().plus(timeout);
        while (session.clock().instant().isBefore(deadline)) {
            OptionalInt ended = look.ended();
            if (ended.isPresent()) return ended.getAsInt();
            Thread.sleep(session.pollEvery());
        }
        session.err().println(goesOn.get());
        return ExitCodes.FAILED;
    }
}
