package dev.atoll.agent.driver;

import dev.atoll.agent.network.InstanceNamespaces;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The {@code process} driver: plain OS processes. Output goes straight from the process into the
 * instance's log file (appended, stdout and stderr together), never through a pipe to the agent, so
 * a process keeps running and logging while the agent restarts.
 *
 * <p>A process on tenant networks runs in a network namespace of its own ({@link InstanceNamespaces});
 * its {@link WorkloadRef#handle()} then names the instance whose namespace it holds.
 */
public final class ProcessDriver implements Driver {
    private static final Duration STOP_POLL = Duration.ofMillis(20);

    /** How often an adopted process is checked; the JDK's own wait for non-children backs off to 5 s. */
    private final Duration adoptedPollInterval;

    private final Optional<InstanceNamespaces> namespaces;

    public ProcessDriver() {
        this(Duration.ofMillis(100));
    }

    public ProcessDriver(Duration adoptedPollInterval) {
        this(adoptedPollInterval, Optional.empty());
    }

    /** With {@code namespaces}, processes on tenant networks can be started; without, their start fails. */
    public ProcessDriver(Duration adoptedPollInterval, Optional<InstanceNamespaces> namespaces) {
        this.adoptedPollInterval = adoptedPollInterval;
        this.namespaces = namespaces;
    }

    @Override
    public Workload start(LaunchSpec spec) throws LaunchException {
        List<String> argv = CommandLine.prepare(spec.command(), spec.environment());
        Optional<InstanceNamespaces.Isolation> isolation = Optional.empty();
        if (!spec.networks().isEmpty()) {
            if (namespaces.isEmpty()) {
                throw new LaunchException("this node cannot put processes on tenant networks (it runs without"
                        + " root or without iproute2)");
            }
            isolation = Optional.of(namespaces.get().isolate(spec));
            argv = namespaces.get().inside(isolation.get(), argv);
        }
        try {
            return launch(spec, argv, isolation);
        } catch (LaunchException | RuntimeException e) {
            isolation.ifPresent(i -> namespaces.get().release(i.instance()));
            throw e;
        }
    }

    private Workload launch(LaunchSpec spec, List<String> argv, Optional<InstanceNamespaces.Isolation> isolation)
            throws LaunchException {
        try {
            Files.createDirectories(spec.directory());
            Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new LaunchException("cannot create the instance directory " + spec.directory() + ": " + e, e);
        }
        var builder = new ProcessBuilder(argv)
                .directory(spec.directory().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(spec.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new LaunchException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
        ProcessHandle handle = process.toHandle();
        // /proc knows the start time as soon as the process exists; EPOCH only if it died already.
        Instant started = handle.info().startInstant().orElse(Instant.EPOCH);
        CompletableFuture<ExitStatus> exit = process.onExit().thenApply(p -> ExitStatus.of(p.exitValue()));
        String name = isolation.map(InstanceNamespaces.Isolation::instance).orElse("");
        return new ProcessWorkload(new WorkloadRef(handle.pid(), started, name), exit);
    }

    @Override
    public Optional<Workload> adopt(WorkloadRef ref) {
        var adopted = live(ref).map(handle -> (Workload) new ProcessWorkload(ref, watchAdopted(handle)));
        if (adopted.isPresent() && !ref.handle().isEmpty()) namespaces.ifPresent(n -> n.readopt(ref.handle()));
        return adopted;
    }

    @Override
    public void stop(WorkloadRef ref, Duration grace) {
        try {
            stopProcesses(ref, grace);
        } finally {
            if (!ref.handle().isEmpty()) namespaces.ifPresent(n -> n.release(ref.handle()));
        }
    }

    @Override
    public void reclaim(java.util.Collection<WorkloadRef> keep) {
        namespaces.ifPresent(n -> n.reclaim(
                keep.stream().map(WorkloadRef::handle).filter(h -> !h.isEmpty()).toList()));
    }

    private void stopProcesses(WorkloadRef ref, Duration grace) {
        Optional<ProcessHandle> root = live(ref);
        if (root.isEmpty()) return;
        // Taken before the signal: once the root dies its children are re-parented and out of reach.
        List<ProcessHandle> tree = withDescendants(root.get());
        tree.forEach(ProcessHandle::destroy); // SIGTERM
        if (!awaitGone(tree, grace)) {
            List<ProcessHandle> remaining = new ArrayList<>();
            for (ProcessHandle h : tree) if (LiveProcesses.running(h)) remaining.addAll(withDescendants(h));
            remaining.forEach(ProcessHandle::destroyForcibly); // SIGKILL
            awaitGone(remaining, Duration.ofSeconds(5));
        }
    }

    private static Optional<ProcessHandle> live(WorkloadRef ref) {
        return ProcessHandle.of(ref.pid()).filter(LiveProcesses::running).filter(h -> h.info()
                .startInstant()
                .filter(ref.processStart()::equals)
                .isPresent());
    }

    private static List<ProcessHandle> withDescendants(ProcessHandle root) {
        return Stream.concat(Stream.of(root), root.descendants()).toList();
    }

    private static boolean awaitGone(List<ProcessHandle> handles, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // Polled rather than onExit(): for processes that are not our children (descendants, adopted
        // ones) the JDK's onExit parks a platform thread that polls with a growing sleep.
        for (ProcessHandle h : handles) {
            while (LiveProcesses.running(h)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    Thread.sleep(Duration.ofNanos(Math.min(left, STOP_POLL.toNanos())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Completes when an adopted process ends. A virtual thread checks it every poll interval, since
     * the JDK's onExit for a process that is not our child sleeps longer and longer (up to 5 s).
     * Cancelling the returned future stops the watch.
     */
    private CompletableFuture<ExitStatus> watchAdopted(ProcessHandle handle) {
        var exit = new CompletableFuture<ExitStatus>();
        Thread.ofVirtual().name("atoll-adopted-" + handle.pid()).start(() -> {
            // Ends early when the agent stops watching (it cancels the future on close).
            while (!exit.isDone() && LiveProcesses.running(handle)) {
                try {
                    Thread.sleep(adoptedPollInterval);
                } catch (InterruptedException e) {
                    return;
                }
            }
            exit.complete(ExitStatus.unknown());
        });
        return exit;
    }

    private record ProcessWorkload(WorkloadRef ref, CompletableFuture<ExitStatus> exit) implements Workload {}
}
