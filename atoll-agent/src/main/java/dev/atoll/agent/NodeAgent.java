package dev.atoll.agent;

import dev.atoll.agent.driver.Driver;
import dev.atoll.agent.driver.ProcessDriver;
import dev.atoll.agent.driver.Workload;
import dev.atoll.agent.driver.WorkloadRef;
import dev.atoll.agent.health.HealthProbes;
import dev.atoll.image.ImageSupply;
import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.topology.NodeInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of one node: runs the instances its site assigns to it, keeps them running and reports
 * what it sees. One thread (the loop) owns all instance state; {@link #assign} only posts to it.
 * Instances outlive the agent: {@link #close()} leaves them running, and a new agent on the same
 * work directory re-adopts them on its first {@link #assign}.
 */
public final class NodeAgent implements NodeAgentPort, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

    private final NodeInfo node;
    private final InstanceStore store;
    private final Map<DriverKind, Driver> drivers;
    private final AgentSettings settings;
    private final ScheduledThreadPoolExecutor loop;
    private final ExecutorService reportThread;
    private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
    private final HealthProbes probes = new HealthProbes();
    private final AgentContext ctx;
    private final List<Consumer<InstanceReport>> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> heartbeatListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<dev.atoll.model.agent.NodeUsage>> usageListeners = new CopyOnWriteArrayList<>();
    private final dev.atoll.agent.usage.ProcessUsage usage;
    private final Map<InstanceId, InstanceReport> latest = new ConcurrentHashMap<>();
    /** The driver of every instance assigned here, for counting instances by driver. */
    private final Map<InstanceId, String> driverOf = new ConcurrentHashMap<>();

    private volatile dev.atoll.model.trace.Tracing tracing = dev.atoll.model.trace.Tracing.NONE;
    /**
     * The spans of instance starts under way, by "key#generation": from the assignment that carried a
     * trace to the instance's first report as running (or failed). Bounded, like {@link #traced}.
     */
    private final Map<String, dev.atoll.model.trace.Tracing.Span> starting = new ConcurrentHashMap<>();
    /** "key#generation" of assignments whose start was traced already (an assignment is sent again and again). */
    private final java.util.Set<String> traced = java.util.Collections.newSetFromMap(
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 4096;
                }
            }));

    /** Restarts of instances since this agent started, as seen in their reports. */
    private final java.util.concurrent.atomic.AtomicLong restarts = new java.util.concurrent.atomic.AtomicLong();

    // Owned by the loop thread.
    private final Map<InstanceId, InstanceSupervisor> supervisors = new HashMap<>();
    /** Instances saved by an earlier agent, until the first assign says which are still wanted. */
    private Map<InstanceId, InstanceStore.Saved> recovered;

    private volatile boolean closed;

    public NodeAgent(
            NodeInfo node, Path workDir, Map<DriverKind, Driver> drivers, Clock clock, AgentSettings settings) {
        this(node, workDir, drivers, ImageSupply.NONE, clock, settings);
    }

    public NodeAgent(
            NodeInfo node,
            Path workDir,
            Map<DriverKind, Driver> drivers,
            ImageSupply images,
            Clock clock,
            AgentSettings settings) {
        this.node = node;
        this.store = new InstanceStore(workDir);
        this.drivers = drivers.isEmpty() ? Map.of() : new EnumMap<>(drivers);
        this.settings = settings;
        String name = node.site() + "/" + node.name();
        this.loop = new ScheduledThreadPoolExecutor(1, r -> platformThread(r, "atoll-agent " + name));
        this.loop.setRemoveOnCancelPolicy(true);
        this.reportThread = Executors.newSingleThreadExecutor(r -> platformThread(r, "atoll-agent-reports " + name));
        long heartbeatMs = HEARTBEAT_PERIOD.toMillis();
        this.usage = dev.atoll.agent.usage.ProcessUsage.ofThisMachine(clock);
        this.loop.scheduleAtFixedRate(
                () -> reportThread.execute(() -> {
                    heartbeatListeners.forEach(Runnable::run);
                    if (!usageListeners.isEmpty()) {
                        var measured = new dev.atoll.model.agent.NodeUsage(usage.measure(runningPids()));
                        usageListeners.forEach(l -> l.accept(measured));
                    }
                }),
                0,
                heartbeatMs,
                TimeUnit.MILLISECONDS);
        this.recovered = store.loadAll();
        recovered.values().forEach(s -> s.ports().values().forEach(HostPorts::hold));
        // Before the loop runs anything: nothing started by this agent can be taken for a leftover, and
        // slow clean-up (many containers) does not hold up the loop's heartbeats.
        reclaimLeftovers(recovered.values());
        this.ctx = new AgentContext(
                node,
                clock,
                settings,
                this.drivers,
                images,
                loop,
                blocking,
                store,
                probes,
                Map.copyOf(System.getenv()),
                this::publish,
                sup -> {
                    supervisors.remove(sup.id(), sup);
                    latest.remove(sup.id());
                    driverOf.remove(sup.id());
                });
    }

    /** An agent with the {@code process} driver, the system clock and default settings. */
    public static NodeAgent withProcessDriver(NodeInfo node, Path workDir) {
        return new NodeAgent(
                node,
                workDir,
                Map.of(DriverKind.PROCESS, new ProcessDriver()),
                Clock.systemUTC(),
                AgentSettings.DEFAULTS);
    }

    public NodeInfo node() {
        return node;
    }

    /** Traces each start of an instance whose assignment carries a trace (a deploy's). */
    public NodeAgent withTracing(dev.atoll.model.trace.Tracing tracing) {
        this.tracing = java.util.Objects.requireNonNull(tracing, "tracing");
        return this;
    }

    @Override
    public void assign(Collection<InstanceAssignment> desired) {
        List<InstanceAssignment> copy = List.copyOf(desired);
        ctx.post(() -> reconcile(copy));
    }

    @Override
    public void onReport(Consumer<InstanceReport> listener) {
        listeners.add(listener);
    }

    @Override
    public void onHeartbeat(Runnable listener) {
        heartbeatListeners.add(listener);
    }

    /** With every heartbeat, what this node's running instances use (see {@link dev.atoll.agent.usage.ProcessUsage}). */
    @Override
    public void onUsage(Consumer<dev.atoll.model.agent.NodeUsage> listener) {
        usageListeners.add(listener);
    }

    private List<Long> runningPids() {
        List<Long> pids = new ArrayList<>();
        for (InstanceReport r : latest.values()) {
            if (r.state() == dev.atoll.model.instance.InstanceState.RUNNING)
                r.pid().ifPresent(pids::add);
        }
        return pids;
    }

    /** The last report of every instance this agent currently runs (or keeps as failed). */
    public Collection<InstanceReport> reports() {
        return List.copyOf(latest.values());
    }

    /** How many instances this agent runs in one state with one driver. */
    public record InstanceCount(String state, String driver, long count) {}

    /** The instances this agent runs, counted by state and driver (sorted). */
    public List<InstanceCount> instanceCounts() {
        var counts = new java.util.TreeMap<String, Long>();
        for (InstanceReport r : latest.values()) {
            counts.merge(r.state().wireName() + "|" + driverOf.getOrDefault(r.id(), "unknown"), 1L, Long::sum);
        }
        List<InstanceCount> result = new ArrayList<>();
        counts.forEach((key, n) -> {
            int bar = key.indexOf('|');
            result.add(new InstanceCount(key.substring(0, bar), key.substring(bar + 1), n));
        });
        return result;
    }

    /** Restarts of its instances this agent made since it started (after a crash, by restart policy). */
    public long restarts() {
        return restarts.get();
    }

    @Override
    public InputStream openLog(InstanceId id, long fromOffset) throws IOException {
        if (fromOffset < 0) throw new IllegalArgumentException("log offset cannot be negative: " + fromOffset);
        Path log = store.log(id);
        if (!Files.isRegularFile(log)) {
            throw new NoSuchFileException(
                    log.toString(), null, "no log for instance " + id.display() + " on node " + node.id());
        }
        FileChannel channel = FileChannel.open(log, StandardOpenOption.READ);
        channel.position(Math.min(fromOffset, channel.size()));
        return Channels.newInputStream(channel);
    }

    /**
     * Stops every instance (and any left by an earlier agent) and waits until they are gone. For
     * deleting everything and for test clean-up; normal removal goes through {@link #assign}.
     */
    public void stopAll() {
        if (closed) throw new IllegalStateException("the agent of node " + node.id() + " is closed");
        var all = new CompletableFuture<CompletableFuture<Void>>();
        ctx.post(() -> {
            var stopping = new ArrayList<CompletableFuture<Void>>();
            if (recovered != null) {
                recovered.values().forEach(saved -> stopping.add(killOrphan(saved)));
                recovered = null;
            }
            for (var sup : List.copyOf(supervisors.values())) {
                sup.unwant();
                stopping.add(sup.removed());
            }
            all.complete(CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)));
        });
        Duration bound = settings.stopGrace().plusSeconds(15);
        try {
            all.get(bound.toMillis(), TimeUnit.MILLISECONDS).get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("instances on node " + node.id() + " did not stop within " + bound, e);
        }
    }

    /** Stops supervising. The instances keep running; a new agent on the same directory adopts them. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        var detached = new CompletableFuture<Void>();
        ctx.post(() -> {
            supervisors.values().forEach(InstanceSupervisor::detach);
            detached.complete(null);
        });
        try {
            detached.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("agent of node {} did not detach in time", node.id(), e);
        }
        loop.shutdownNow();
        reportThread.shutdown();
        blocking.shutdown();
        probes.close();
    }

    // ---- on the loop ----------------------------------------------------------------------

    private void reconcile(List<InstanceAssignment> desired) {
        var wanted = new LinkedHashMap<InstanceId, InstanceAssignment>();
        for (var a : desired) wanted.merge(a.id(), a, (x, y) -> x.generation() >= y.generation() ? x : y);
        if (recovered != null) {
            resumeRecovered(wanted);
            recovered = null;
        }
        for (var a : wanted.values()) {
            driverOf.put(a.id(), a.service().driver().wireName());
            traceStart(a);
            supervisors
                    .computeIfAbsent(a.id(), id -> new InstanceSupervisor(id, ctx, Map.of(), 0))
                    .want(a);
        }
        for (var sup : List.copyOf(supervisors.values())) {
            if (!wanted.containsKey(sup.id())) sup.unwant();
        }
    }

    /**
     * Re-adopts saved instances that are still wanted and whose process is still the same one,
     * restarts wanted ones whose process is gone, and stops the rest (orphans).
     */
    private void resumeRecovered(Map<InstanceId, InstanceAssignment> wanted) {
        for (var saved : recovered.values()) {
            InstanceAssignment a = wanted.get(saved.id());
            if (a == null) {
                killOrphan(saved);
                continue;
            }
            var sup = new InstanceSupervisor(saved.id(), ctx, saved.ports(), saved.restarts());
            supervisors.put(saved.id(), sup);
            sup.resume(a, saved, liveProcess(saved));
        }
    }

    private Optional<Workload> liveProcess(InstanceStore.Saved saved) {
        Driver driver = drivers.get(saved.driver());
        return savedRef(saved).flatMap(ref -> driver == null ? Optional.empty() : driver.adopt(ref));
    }

    private static Optional<WorkloadRef> savedRef(InstanceStore.Saved saved) {
        if (saved.pid().isEmpty() || saved.processStart().isEmpty()) return Optional.empty();
        return Optional.of(new WorkloadRef(
                saved.pid().get(), saved.processStart().get(), saved.handle().orElse("")));
    }

    /** Lets every driver remove what a crashed agent left behind that no saved instance names. */
    private void reclaimLeftovers(Collection<InstanceStore.Saved> saved) {
        List<WorkloadRef> keep =
                saved.stream().flatMap(s -> savedRef(s).stream()).toList();
        for (var driver : drivers.values()) {
            try {
                driver.reclaim(keep);
            } catch (RuntimeException e) {
                LOG.warn("node {}: cleaning up after an earlier agent failed", node.id(), e);
            }
        }
    }

    private CompletableFuture<Void> killOrphan(InstanceStore.Saved saved) {
        Optional<Workload> live = liveProcess(saved);
        Driver driver = drivers.get(saved.driver());
        LOG.info(
                "node {}: stopping orphan instance {} (pid {})",
                node.id(),
                saved.id(),
                saved.pid().orElse(null));
        return CompletableFuture.runAsync(
                () -> {
                    live.ifPresent(w -> w.exit().cancel(false));
                    // Stopped even when its process is gone: a driver also removes what the workload
                    // left on the node (a container, its mounts).
                    if (driver != null) savedRef(saved).ifPresent(ref -> driver.stop(ref, settings.stopGrace()));
                    store.delete(saved.id());
                    saved.ports().values().forEach(HostPorts::release);
                },
                blocking);
    }

    /** Reports go out in order on their own thread, so a slow listener never stalls supervision. */
    private void traceStart(InstanceAssignment a) {
        if (a.traceparent() == null) return;
        var parent = dev.atoll.model.trace.TraceContext.parse(a.traceparent());
        String key = a.id().key() + "#" + a.generation();
        if (parent.isEmpty() || !traced.add(key)) return;
        starting.put(
                key,
                tracing.start(
                        "atoll.instance.start",
                        parent.get(),
                        Map.of(
                                "atoll.node",
                                node.id(),
                                "atoll.site",
                                node.site(),
                                "atoll.instance",
                                a.id().display(),
                                "atoll.driver",
                                a.service().driver().wireName(),
                                "atoll.tenant",
                                a.id().tenant())));
        if (starting.size() > 4096) starting.clear(); // only if reports never come: bounded regardless
    }

    private void endStart(InstanceReport report) {
        if (starting.isEmpty()) return;
        String key = report.id().key() + "#" + report.generation();
        switch (report.state()) {
            case RUNNING -> {
                var span = starting.remove(key);
                if (span != null) span.end();
            }
            case FAILED, CRASH_LOOPING -> {
                var span = starting.remove(key);
                if (span != null) span.fail(report.message());
            }
            default -> {}
        }
    }

    private void publish(InstanceReport report) {
        endStart(report);
        InstanceReport before = latest.put(report.id(), report);
        if (before != null && report.restarts() > before.restarts()) {
            restarts.addAndGet(report.restarts() - before.restarts());
        }
        try {
            reportThread.execute(() -> {
                for (var listener : listeners) {
                    try {
                        listener.accept(report);
                    } catch (RuntimeException e) {
                        LOG.warn("instance report listener failed on {}", report.id(), e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closedAlready) {
            // closed: nobody listens any more
        }
    }

    private static Thread platformThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
