package dev.atoll.net.plumbing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands on this machine with {@link ProcessBuilder}. Every command has a timeout (10 s unless told): a hung
 * {@code ip} must not hang the agent. The program is looked up on PATH and then in the system directories, because
 * Debian keeps {@code ip} and {@code bridge} in /usr/sbin, which an agent started from a plain shell may lack on PATH.
 */
public final class LocalHostCommands implements HostCommands {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final List<String> SYSTEM_DIRS =
            List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/sbin", "/usr/bin", "/bin");

    /** Bounds what one command may leave in memory. */
    private static final int OUTPUT_LIMIT_BYTES = 4 << 20;

    private final List<String> prefix;
    private final Duration timeout;

    public LocalHostCommands() {
        this(List.of(), DEFAULT_TIMEOUT);
    }

    private LocalHostCommands(List<String> prefix, Duration timeout) {
        this.prefix = List.copyOf(prefix);
        this.timeout = timeout;
    }

    /**
     * Commands run inside the network namespace {@code /run/netns/<namespace>} (with {@code nsenter}, which joins only
     * the network namespace, so files and processes are this machine's). For tests and benchmarks that treat a
     * namespace as a node.
     */
    public static HostCommands inNamespace(String namespace) {
        return inNamespace(namespace, DEFAULT_TIMEOUT);
    }

    /** Like {@link #inNamespace(String)}, for commands that take longer than the default 10 s. */
    public static HostCommands inNamespace(String namespace, Duration timeout) {
        Attachment.requireNamespace(namespace);
        String nsenter = locate("nsenter").map(Path::toString).orElse("nsenter");
        return new LocalHostCommands(List.of(nsenter, "--net=/run/netns/" + namespace, "--"), timeout);
    }

    /** {@code name} on PATH, else in the usual system directories. */
    public static Optional<Path> locate(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(SYSTEM_DIRS);
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path file = Path.of(dir, name);
            if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    @Override
    public CommandResult run(List<String> argv) throws IOException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        List<String> command = new ArrayList<>(prefix);
        String program = argv.getFirst();
        command.add(
                program.contains("/")
                        ? program
                        : locate(program).map(Path::toString).orElse(program));
        command.addAll(argv.subList(1, argv.size()));

        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        var stdout = new Drain(process.getInputStream());
        var stderr = new Drain(process.getErrorStream());
        Thread out = Thread.ofVirtual().start(stdout);
        Thread err = Thread.ofVirtual().start(stderr);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new IOException("`" + String.join(" ", argv) + "` did not finish within " + timeout.toSeconds()
                        + " s and was killed");
            }
            // A daemon forked by the command may hold the pipes open; do not wait for it forever.
            out.join(Duration.ofSeconds(2));
            err.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running `" + String.join(" ", argv) + "`", e);
        }
        return new CommandResult(process.exitValue(), stdout.text(), stderr.text());
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return prefix.isEmpty() ? "LocalHostCommands" : "LocalHostCommands" + prefix;
    }

    /** Reads a stream to its end, keeping at most {@link #OUTPUT_LIMIT_BYTES}. */
    private static final class Drain implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Drain(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (bytes) {
                        int room = OUTPUT_LIMIT_BYTES - bytes.size();
                        if (room > 0) {
                            bytes.write(buffer, 0, Math.min(n, room));
                        }
                    }
                }
            } catch (IOException e) {
                // The process was killed or closed its end: what was read so far is the output.
            }
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
