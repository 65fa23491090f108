package dev.atoll.sim.cloud;

import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.sim.engine.SimScheduler;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A node agent running the {@code sim} driver: it takes assignments as the real agent does (start
 * what is new or newer, stop what is gone), "starts" a replica after a start time drawn from the
 * seed and reports it running, and heartbeats while it lives. A crash silences it and ends every
 * replica on it at once.
 */
public final class SimNode implements NodeAgentPort {
    /** Start times of the sim driver: about what a process or runc container takes. */
    static final long MIN_START_MICROS = 20_000;

    static final long MAX_START_MICROS = 300_000;

    private final NodeInfo info;
    private final SimScheduler scheduler;
    private final SimScheduler.Lane lane;
    private final SplittableRandom random;
    private final LiveCopies truth;

    /** Running or starting replicas by instance key, with their generation; sorted, for replay. */
    private final TreeMap<String, Copy> copies = new TreeMap<>();

    private final List<Consumer<InstanceReport>> reportListeners = new ArrayList<>();
    private final List<Runnable> heartbeatListeners = new ArrayList<>();
    private final List<Consumer<dev.atoll.model.agent.NodeUsage>> usageListeners = new ArrayList<>();
    /** What a replica uses of its request (0: the node measures nothing and reports no use). */
    private double usageShare;
    /** A hot spot multiplies the cpu its replicas use. */
    private double hotFactor = 1.0;

    private boolean crashed;
    private long pids = 1000;

    private static final class Copy {
        final InstanceId id;
        final long generation;
        final List<String> ports;
        final dev.atoll.model.Resources request;
        boolean running;
        long pid;

        Copy(InstanceId id, long generation, List<String> ports, dev.atoll.model.Resources request) {
            this.id = id;
            this.generation = generation;
            this.ports = ports;
            this.request = request;
        }
    }

    /** What the simulator learns of every copy that starts and stops: the ground truth. */
    public interface LiveCopies {
        void started(InstanceId id, long generation, NodeInfo node);

        void stopped(InstanceId id, long generation, NodeInfo node);

        /** An assignment reached the node: the replica was placed (again). */
        default void assigned(InstanceId id, long generation, NodeInfo node) {}
    }

    /** @param group the scheduler group of the node's site */
    public SimNode(NodeInfo info, SimScheduler scheduler, int group, long seed, LiveCopies truth) {
        this.info = info;
        this.scheduler = scheduler;
        this.lane = scheduler.lane("node " + info.id(), group);
        this.random = new SplittableRandom(seed);
        this.truth = truth;
    }

    /**
     * One heartbeat, as the agent sends every {@link #HEARTBEAT_PERIOD}; the simulation beats all
     * the nodes of a site together, one task per site instead of one per node.
     */
    public void beat() {
        if (crashed) return;
        heartbeatListeners.forEach(Runnable::run);
        if (usageShare > 0 && !usageListeners.isEmpty()) {
            var usage = new dev.atoll.model.agent.NodeUsage(usage());
            for (var listener : usageListeners) {
                try {
                    listener.accept(usage);
                } catch (RuntimeException e) {
                    // Its site is down: lost, as on the wire.
                }
            }
        }
    }

    /** Have the node measure its use: each running replica uses {@code share} of its request. */
    public SimNode measuring(double share) {
        this.usageShare = share;
        return this;
    }

    /** A hot spot: its replicas use {@code factor} times the usual cpu (1: back to usual). */
    public void hotFactor(double factor) {
        this.hotFactor = factor;
    }

    /** What the node's running replicas use now: the ground truth its heartbeats report. */
    public dev.atoll.model.Resources usage() {
        long cpu = 0, memory = 0;
        for (Copy copy : copies.values()) {
            if (!copy.running) continue;
            cpu += Math.round(copy.request.cpuMillis() * usageShare * hotFactor);
            memory += Math.round(copy.request.memoryBytes() * usageShare);
        }
        return new dev.atoll.model.Resources(cpu, memory);
    }

    public NodeInfo info() {
        return info;
    }

    public boolean crashed() {
        return crashed;
    }

    public int copies() {
        return copies.size();
    }

    @Override
    public void assign(Collection<InstanceAssignment> desired) {
        if (crashed) throw new IllegalStateException("node " + info.id() + " is down");
        Map<String, InstanceAssignment> wanted = new TreeMap<>();
        for (InstanceAssignment a : desired) wanted.put(a.id().key(), a);
        // Stop what is gone or superseded first, as the real agent does.
        for (var it = copies.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            InstanceAssignment a = wanted.get(entry.getKey());
            if (a == null || a.generation() > entry.getValue().generation) {
                Copy copy = entry.getValue();
                it.remove();
                if (copy.running) truth.stopped(copy.id, copy.generation, info);
            }
        }
        for (InstanceAssignment a : wanted.values()) {
            if (copies.containsKey(a.id().key())) continue;
            Copy copy = new Copy(
                    a.id(), a.generation(), a.service().ports(), a.service().resources());
            copies.put(a.id().key(), copy);
            truth.assigned(a.id(), a.generation(), info);
            long startMicros = MIN_START_MICROS + random.nextLong(MAX_START_MICROS - MIN_START_MICROS);
            lane.schedule(() -> start(copy), startMicros, TimeUnit.MICROSECONDS);
        }
    }

    private void start(Copy copy) {
        if (crashed || copies.get(copy.id.key()) != copy) return;
        copy.running = true;
        copy.pid = pids++;
        truth.started(copy.id, copy.generation, info);
        Map<String, Integer> ports = new TreeMap<>();
        int port = 20000;
        for (String name : copy.ports) ports.put(name, port++);
        report(new InstanceReport(
                copy.id,
                copy.generation,
                InstanceState.RUNNING,
                ports,
                Optional.of(copy.pid),
                Optional.of(scheduler.now()),
                0,
                "running (sim driver)"));
    }

    private void report(InstanceReport report) {
        for (var listener : reportListeners) {
            try {
                listener.accept(report);
            } catch (RuntimeException e) {
                // Its site is down: the report is lost, as it would be on the wire.
            }
        }
    }

    /** The node dies with every replica on it; nothing more is heard from it. */
    public void crash() {
        if (crashed) return;
        crashed = true;
        lane.shutdownNow();
        for (Copy copy : copies.values()) if (copy.running) truth.stopped(copy.id, copy.generation, info);
        copies.clear();
    }

    @Override
    public void onReport(Consumer<InstanceReport> listener) {
        reportListeners.add(listener);
    }

    @Override
    public void onHeartbeat(Runnable listener) {
        heartbeatListeners.add(listener);
    }

    @Override
    public void onUsage(Consumer<dev.atoll.model.agent.NodeUsage> listener) {
        usageListeners.add(listener);
    }

    @Override
    public InputStream openLog(InstanceId id, long fromOffset) throws IOException {
        return InputStream.nullInputStream();
    }
}
