package dev.atoll.agent;

import dev.atoll.model.Resources;
import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.RestartPolicy;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long an instance killed from outside (SIGKILL) takes to be reported running again:
 * starts N instances of {@code sleep 600}, kills each in turn, and times the wait for the agent's
 * report of a new process in state running (and, separately, of the new process being started).
 * Run: {@code java -cp ... dev.atoll.agent.RestartLatency [N]}.
 */
public final class RestartLatency {
    /** Sorted samples in milliseconds. */
    public record Figures(List<Double> untilStartedMs, List<Double> untilRunningMs) {
        public String describe() {
            return "restart latency over " + untilRunningMs.size() + " kills: until running " + summary(untilRunningMs)
                    + "; until the new process started " + summary(untilStartedMs);
        }

        private static String summary(List<Double> ms) {
            return String.format(
                    java.util.Locale.ROOT,
                    "median %.0f ms, p95 %.0f ms, max %.0f ms",
                    percentile(ms, 0.50),
                    percentile(ms, 0.95),
                    ms.get(ms.size() - 1));
        }

        private static double percentile(List<Double> sorted, double q) {
            int i = (int) Math.ceil(q * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
        }
    }

    private RestartLatency() {}

    public static Figures measure(int instances, Path workDir) throws Exception {
        var node = new NodeInfo("bench", "n1", new Resources(4000, 8L << 30), 1000, Set.of("process"), Set.of());
        var service = new ServiceSpec(
                "sleeper",
                DriverKind.PROCESS,
                List.of("sleep", "600"),
                Map.of(),
                new Resources(10, 1 << 20),
                List.of(),
                Optional.empty(),
                instances,
                RestartPolicy.ALWAYS,
                PlacementIntent.NONE);
        var waits = new java.util.concurrent.ConcurrentHashMap<InstanceId, Waiter>();
        try (var agent = NodeAgent.withProcessDriver(node, workDir)) {
            agent.onReport(report -> {
                Waiter w = waits.get(report.id());
                if (w != null) w.see(report);
            });
            var assignments = new ArrayList<InstanceAssignment>();
            for (int i = 0; i < instances; i++) {
                var id = new InstanceId("bench", "latency", "sleeper", i);
                waits.put(id, new Waiter(-1));
                assignments.add(new InstanceAssignment(id, 1, service));
            }
            agent.assign(assignments);
            var pids = new ArrayList<Long>();
            for (var a : assignments) pids.add(waits.get(a.id()).running.get(30, TimeUnit.SECONDS));
            var started = new ArrayList<Double>();
            var running = new ArrayList<Double>();
            for (int i = 0; i < instances; i++) {
                var id = assignments.get(i).id();
                long pid = pids.get(i);
                var waiter = new Waiter(pid);
                waits.put(id, waiter);
                long t0 = System.nanoTime();
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                long startedAt = waiter.started.get(30, TimeUnit.SECONDS);
                waiter.running.get(30, TimeUnit.SECONDS);
                long t1 = System.nanoTime();
                started.add((startedAt - t0) / 1e6);
                running.add((t1 - t0) / 1e6);
            }
            agent.stopAll();
            started.sort(Comparator.naturalOrder());
            running.sort(Comparator.naturalOrder());
            return new Figures(started, running);
        }
    }

    /** Waits for the first report of a process other than {@code oldPid}: started, then running. */
    private static final class Waiter {
        final long oldPid;
        final CompletableFuture<Long> started = new CompletableFuture<>();
        final CompletableFuture<Long> running = new CompletableFuture<>();

        Waiter(long oldPid) {
            this.oldPid = oldPid;
        }

        void see(InstanceReport report) {
            if (report.pid().isEmpty() || report.pid().get() == oldPid) return;
            started.complete(System.nanoTime());
            if (report.state() == InstanceState.RUNNING)
                running.complete(report.pid().get());
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path dir = Files.createTempDirectory("atoll-restart-latency");
        Figures f = measure(n, dir);
        System.out.println(f.describe());
        if (f.untilRunningMs().get(f.untilRunningMs().size() - 1)
                > Duration.ofSeconds(2).toMillis()) {
            System.out.println("above the 2 s goal");
        }
    }
}
