package dev.atoll.control.federation;

import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.topology.NodeInfo;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A node agent that "runs" what it is assigned at once and says so, and remembers every start, so a
 * test can tell a replica kept running from one started again.
 */
final class FakeAgent implements NodeAgentPort {
    final NodeInfo node;
    /** What runs now: instance key to generation. */
    final Map<String, Long> running = new ConcurrentHashMap<>();
    /** Every start, as "key@generation", in order. */
    final List<String> starts = new CopyOnWriteArrayList<>();
    /** The last assignment of each replica it runs, by instance key. */
    final Map<String, InstanceAssignment> assigned = new ConcurrentHashMap<>();

    private volatile Consumer<InstanceReport> reports = r -> {};
    private volatile Runnable heartbeat = () -> {};
    private volatile boolean crashed;
    /** Whether what it starts from now on fails at once (a broken machine, a bad image). */
    volatile boolean startsFail;

    FakeAgent(NodeInfo node) {
        this.node = node;
    }

    /**
     * Copies waiting for a live migration's memory, by the endpoint they listen on: one registry for
     * every fake agent of the JVM, as the network between real nodes is one.
     */
    static final Map<String, Map.Entry<FakeAgent, InstanceAssignment>> WAITING = new ConcurrentHashMap<>();

    /** Every live migration this agent sent, as "key@generation->endpoint". */
    final List<String> migrations = new CopyOnWriteArrayList<>();

    @Override
    public synchronized void assign(Collection<InstanceAssignment> desired) {
        if (crashed) throw new IllegalStateException("node " + node.name() + " is down");
        for (InstanceAssignment a : desired) {
            var m = a.migration();
            if (m == null || m.role() != dev.atoll.model.agent.Migration.Role.OUTGOING) continue;
            if (!Long.valueOf(a.generation()).equals(running.get(a.id().key()))) continue;
            String sent = a.id().key() + "@" + a.generation() + "->" + m.endpoint();
            if (migrations.contains(sent)) continue;
            migrations.add(sent);
            var waiting = WAITING.remove(m.endpoint());
            // Nobody listens there: the migration fails and this copy runs on.
            if (waiting != null) waiting.getKey().memoryArrived(waiting.getValue());
        }
        Map<String, Long> wanted = new java.util.HashMap<>();
        for (InstanceAssignment a : desired) wanted.put(a.id().key(), a.generation());
        running.keySet().retainAll(wanted.keySet());
        assigned.keySet().retainAll(wanted.keySet());
        for (InstanceAssignment a : desired) assigned.put(a.id().key(), a);
        for (InstanceAssignment a : desired) {
            if (Long.valueOf(a.generation()).equals(running.get(a.id().key()))) continue;
            running.put(a.id().key(), a.generation());
            starts.add(a.id().key() + "@" + a.generation());
            var m = a.migration();
            if (m != null && m.role() == dev.atoll.model.agent.Migration.Role.INCOMING && !startsFail) {
                WAITING.put(m.endpoint(), Map.entry(this, a));
                reports.accept(new InstanceReport(
                        a.id(),
                        a.generation(),
                        InstanceState.STARTING,
                        Map.of(),
                        Optional.empty(),
                        Optional.empty(),
                        0,
                        "waiting for memory on " + m.endpoint()));
                continue;
            }
            reports.accept(
                    startsFail
                            ? new InstanceReport(
                                    a.id(),
                                    a.generation(),
                                    InstanceState.FAILED,
                                    Map.of(),
                                    Optional.empty(),
                                    Optional.empty(),
                                    0,
                                    "could not start")
                            : running(a.id(), a.generation()));
        }
    }

    private void memoryArrived(InstanceAssignment a) {
        if (Long.valueOf(a.generation()).equals(running.get(a.id().key())))
            reports.accept(running(a.id(), a.generation()));
    }

    private static InstanceReport running(InstanceId id, long generation) {
        return new InstanceReport(
                id, generation, InstanceState.RUNNING, Map.of(), Optional.empty(), Optional.of(Instant.EPOCH), 0, "");
    }

    @Override
    public void onReport(Consumer<InstanceReport> listener) {
        reports = listener;
    }

    @Override
    public void onHeartbeat(Runnable listener) {
        heartbeat = listener;
    }

    void beat() {
        if (crashed) return;
        heartbeat.run();
        long perReplica = cpuPerReplica;
        if (perReplica > 0) {
            usage.accept(
                    new dev.atoll.model.agent.NodeUsage(new dev.atoll.model.Resources(perReplica * running.size(), 0)));
        }
    }

    /** What each running replica uses of cpu, as this node measures it; 0: it measures nothing. */
    volatile long cpuPerReplica;

    private volatile Consumer<dev.atoll.model.agent.NodeUsage> usage = u -> {};

    @Override
    public void onUsage(Consumer<dev.atoll.model.agent.NodeUsage> listener) {
        usage = listener;
    }

    /** The machine stops: nothing runs, nothing is heard. */
    synchronized void crash() {
        crashed = true;
        running.clear();
        assigned.clear();
    }

    @Override
    public InputStream openLog(InstanceId id, long fromOffset) {
        return new ByteArrayInputStream(new byte[0]);
    }
}
