package dev.atoll.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * What one run of the atoll command works with: its streams, its clock and how often it polls
 * while it waits. Tests hand in their own to read the output and to poll fast.
 */
public record Session(InputStream in, PrintWriter out, PrintWriter err, Clock clock, Duration pollEvery) {
    /** Often enough that progress feels live, rarely enough not to load a 2-core dev machine. */
    public static final Duration POLL_EVERY = Duration.ofMillis(300);

    public static Session standard() {
        return new Session(
                System.in,
                new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
                Clock.systemUTC(),
                POLL_EVERY);
    }
}
