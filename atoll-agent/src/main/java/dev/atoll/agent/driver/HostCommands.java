package dev.atoll.agent.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the host's tools (runc, ip, mount) and collects what they say. Bounded in time. */
public final class HostCommands {
    private static final long TIMEOUT_SECONDS = 30;

    private HostCommands() {}

    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    public static Result run(List<String> argv) {
        return run(argv, null);
    }

    /**
     * Runs argv with {@code input} on stdin (or nothing), output and errors together. The output is
     * read to its end before waiting, so a chatty tool cannot block on a full pipe.
     */
    public static Result run(List<String> argv, String input) {
        try {
            var builder = new ProcessBuilder(argv).redirectErrorStream(true);
            if (input == null)
                builder.redirectInput(
                        ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Process p = builder.start();
            if (input != null) {
                try (var stdin = p.getOutputStream()) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output;
            try (var stdout = p.getInputStream()) {
                output = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", argv) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), output.strip());
        } catch (IOException e) {
            return new Result(-1, "cannot run " + argv.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted while running " + argv.get(0));
        }
    }
}
