package dev.atoll.cli.testing;

import dev.atoll.cli.Main;
import dev.atoll.cli.Session;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/** Runs the atoll command in-process, as a user would type it, and captures what it prints. */
public final class Cli {
    /** Fast polling keeps progress tests short; the sequence of answers, not time, drives them. */
    public static final Duration POLL_EVERY = Duration.ofMillis(5);

    private Cli() {}

    public record Result(int exitCode, String out, String err) {}

    public static Result run(String... args) {
        return runWithInput("", args);
    }

    public static Result runWithInput(String stdin, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var session = new Session(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                Clock.systemUTC(),
                POLL_EVERY);
        int code = Main.run(args, session);
        return new Result(code, out.toString(), err.toString());
    }
}
