package dev.atoll.testhosts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short commands on this machine, always with a timeout, and kills what outlives it. */
final class Commands {
    static final Duration IP_TIMEOUT = Duration.ofSeconds(10);
    /** Bounds what one command may leave in memory; a runaway command must not fill the test heap. */
    static final int OUTPUT_LIMIT_BYTES = 1 << 20;

    private Commands() {}

    record Outcome(int exitCode, String stdout, String stderr, boolean timedOut) {}

    /** Runs {@code ip args...}; any failure becomes a {@link HostCommandException} with the command and stderr. */
    static String ip(String... args) {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add("ip");
        command.addAll(List.of(args));
        return check(command, run(command, IP_TIMEOUT, false));
    }

    /** Like {@link #ip} but a missing device or namespace counts as done: cleanup must be repeatable. */
    static void ipIgnoringMissing(String... args) {
        try {
            ip(args);
        } catch (HostCommandException e) {
            if (!isMissing(e.stderr())) {
                throw e;
            }
        }
    }

    static boolean isMissing(String stderr) {
        // "No such device": the device went between looking and deleting (a veth goes with its peer).
        return stderr.contains("Cannot find device")
                || stderr.contains("No such device")
                || stderr.contains("No such file or directory")
                || stderr.contains("does not exist");
    }

    static String check(List<String> command, Outcome outcome) {
        if (outcome.timedOut()) {
            throw new HostCommandException(command, "did not finish within its timeout", outcome.stderr());
        }
        if (outcome.exitCode() != 0) {
            throw new HostCommandException(command, "failed with exit code " + outcome.exitCode(), outcome.stderr());
        }
        return outcome.stdout();
    }

    static Outcome run(List<String> command, Duration timeout, boolean mergeStderr) {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(mergeStderr)
                    .start();
        } catch (IOException e) {
            throw new HostCommandException(command, "could not be started (" + e.getMessage() + ")", "");
        }
        var stdout = new BoundedReader(process.getInputStream());
        var stderr = new BoundedReader(process.getErrorStream());
        Thread outThread = Thread.ofVirtual().start(stdout);
        Thread errThread = Thread.ofVirtual().start(stderr);
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                killTree(process.toHandle());
                process.waitFor(5, TimeUnit.SECONDS);
            }
            // A grandchild may still hold the pipes; don't wait for it forever.
            outThread.join(Duration.ofSeconds(5));
            errThread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            killTree(process.toHandle());
            Thread.currentThread().interrupt();
            throw new HostCommandException(command, "was interrupted", "");
        }
        return new Outcome(finished ? process.exitValue() : -1, stdout.text(), stderr.text(), !finished);
    }

    /**
     * SIGKILLs a process and every descendant, and waits (a few seconds at most) until none of them runs any more.
     * Children are listed first so none is orphaned unseen.
     */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroyForcibly);
        // Children may have forked between the listing and the kill of their parent.
        root.descendants().forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (tree.stream().anyMatch(Commands::isRunning) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Whether the process still runs. Unlike {@link ProcessHandle#isAlive()}, a killed orphan waiting as a zombie for
     * its new parent to reap it counts as gone: it holds no sockets and runs no code.
     */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = java.nio.file.Files.readString(
                    java.nio.file.Path.of("/proc", Long.toString(process.pid()), "stat"));
            // "pid (comm) S ...": the state follows the last ')', since comm may itself contain ')'.
            String state = stat.substring(stat.lastIndexOf(')') + 1).strip();
            return !(state.startsWith("Z") || state.startsWith("X"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static final class BoundedReader implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        BoundedReader(InputStream in) {
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
                // The process was killed or closed its end; what was read so far is the output.
            }
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
