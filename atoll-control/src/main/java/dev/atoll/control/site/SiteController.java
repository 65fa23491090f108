package dev.atoll.control.site;

import dev.atoll.control.cloud.EventLog;
import dev.atoll.control.federation.Federation;
import dev.atoll.control.federation.Offer;
import dev.atoll.control.federation.OfferReply;
import dev.atoll.control.federation.ReplicaStatus;
import dev.atoll.control.home.EnvironmentReconciler;
import dev.atoll.control.home.HomeAction;
import dev.atoll.control.raft.RaftGroup;
import dev.atoll.control.site.Applied.Reservation;
import dev.atoll.control.site.SiteState.HomedEnvironment;
import dev.atoll.control.site.SiteState.PlacedInstance;
import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.NodeCapacity;
import dev.atoll.placement.NodeDecision;
import dev.atoll.placement.NodeRequest;
import dev.atoll.placement.NodeSelector;
import dev.atoll.placement.NodeState;
import dev.atoll.placement.SiteDecision;
import dev.atoll.placement.SiteRequest;
import dev.atoll.placement.SiteSelector;
import dev.atoll.placement.SiteSummary;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin shell around a site's state machine: it turns requests, offers and agent reports into
 * commands for the Raft log, and carries out what the state and the reconciler decide (assign
 * replicas to agents, send offers). All its decisions run on one thread, the site loop; Raft and
 * agents call back onto it.
 */
public final class SiteController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SiteController.class);
    private static final long RECONCILE_PERIOD_MS = 100;

    private final SiteInfo site;
    private final RaftGroup raft;
    private final Map<String, NodeAgentPort> agents;
    private final Clock clock;
    private final EventLog events;
    private final ScheduledExecutorService loop;
    private final long seed;
    private volatile Federation federation;

    // Soft state of the leader's shell, touched on the loop only.
    private final Set<String> busy = new HashSet<>();
    private final Map<String, List<InstanceAssignment>> lastAssigned = new HashMap<>();
    private final Map<String, Map<String, ReplicaStatus>> observedBySite = new ConcurrentHashMap<>();
    /** Reservations accepted but not yet in the applied state, so two offers never take one slot. */
    private final List<PendingReservation> pending = new ArrayList<>();
    /** When each node's agent was last heard; soft state, so a new leader starts by trusting all. */
    private final Map<String, java.time.Instant> lastHeard = new ConcurrentHashMap<>();

    private final NodeLiveness liveness = NodeLiveness.DEFAULT;

    private record PendingReservation(String node, dev.atoll.model.Resources resources) {}

    public SiteController(
            SiteInfo site, RaftGroup raft, Map<String, NodeAgentPort> agents, Clock clock, EventLog events, long seed) {
        this.site = site;
        this.raft = raft;
        this.agents = new ConcurrentHashMap<>(agents);
        this.clock = clock;
        this.events = events;
        this.seed = seed;
        this.loop = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("site-" + site.name()).daemon().factory());
    }

    public SiteInfo site() {
        return site;
    }

    public RaftGroup raft() {
        return raft;
    }

    /** Registers the nodes, re-assigns what the state says they run, and starts reconciling. */
    public CompletableFuture<Void> start(Federation federation, List<NodeInfo> nodes) {
        this.federation = federation;
        agents.forEach(this::listenTo);
        List<CompletableFuture<Applied>> registrations = new ArrayList<>();
        for (NodeInfo node : nodes) registrations.add(submit(new SiteCommand.RegisterNode(node)));
        return CompletableFuture.allOf(registrations.toArray(CompletableFuture[]::new))
                .thenRun(() -> {
                    // Agents that join over the network after a restart get the same grace as
                    // in-process ones: a node is judged only once it had time to be heard.
                    var now = clock.instant();
                    read(state -> List.copyOf(state.nodes().keySet()))
                            .forEach(node -> lastHeard.putIfAbsent(node, now));
                    loop.execute(this::pushAssignments);
                    loop.scheduleWithFixedDelay(this::tick, 0, RECONCILE_PERIOD_MS, TimeUnit.MILLISECONDS);
                });
    }

    /** Reads the leader's current state. */
    public <T> T read(Function<SiteState, T> query) {
        return ((SiteStateMachine) raft.leaderMachine()).read(query);
    }

    /** Appends a command to the site's log; completes once applied, with its events published. */
    public CompletableFuture<Applied> submit(SiteCommand command) {
        return raft.submit(SiteCodec.writeCommand(command)).thenApply(result -> {
            Applied applied = (Applied) result;
            applied.events().forEach(e -> events.publish(site.name(), e));
            loop.execute(this::pushAssignments);
            return applied;
        });
    }

    private void listenTo(String node, NodeAgentPort agent) {
        lastHeard.put(node, clock.instant());
        agent.onReport(report -> loop.execute(() -> onReport(report)));
        agent.onHeartbeat(() -> lastHeard.put(node, clock.instant()));
    }

    /**
     * A node agent joined over the network (again): registers the node if it is new or changed and
     * sends it what it should run. The site must be started.
     */
    public CompletableFuture<Void> attach(NodeInfo node, NodeAgentPort agent) {
        if (!node.site().equals(site.name())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "node " + node.name() + " belongs to site " + node.site() + ", this is " + site.name()));
        }
        boolean known = read(state -> node.equals(state.nodes().get(node.name())));
        CompletableFuture<?> registered =
                known ? CompletableFuture.completedFuture(null) : submit(new SiteCommand.RegisterNode(node));
        return registered.thenRun(() -> {
            agents.put(node.name(), agent);
            listenTo(node.name(), agent);
            loop.execute(() -> {
                lastAssigned.remove(node.name());
                pushAssignments();
            });
        });
    }

    public NodeAgentPort agent(String node) {
        return agents.get(node);
    }

    /** How the leader judges a node now; a node without an agent here is down. */
    public NodeLiveness.Health health(String node) {
        var heard = lastHeard.get(node);
        return heard == null ? NodeLiveness.Health.DOWN : liveness.judge(heard, clock.instant());
    }

    private boolean ready(SiteState state, String node) {
        return !state.downNodes().contains(node) && health(node) == NodeLiveness.Health.ALIVE;
    }

    // --- target role -------------------------------------------------------------------------

    /** Chooses a node from the exact state and reserves it through the log. */
    public CompletableFuture<OfferReply> handleOffer(Offer offer) {
        return CompletableFuture.supplyAsync(() -> chooseNode(offer), loop).thenCompose(choice -> {
            if (choice instanceof NodeDecision.NoFit(var why)) {
                return CompletableFuture.completedFuture(new OfferReply.Rejected(site.name(), why.toString()));
            }
            String node = ((NodeDecision.Chosen) choice).node();
            var reservation = new PendingReservation(node, offer.service().resources());
            pending.add(reservation);
            return submit(new SiteCommand.ReserveInstance(
                            offer.id(), offer.generation(), offer.service(), offer.homeSite(), node, clock.instant()))
                    .handleAsync(
                            (applied, error) -> {
                                pending.remove(reservation);
                                if (error != null)
                                    return new OfferReply.Rejected(
                                            site.name(),
                                            "site " + site.name() + " could not commit: " + error.getMessage());
                                return switch ((Reservation) applied.response()) {
                                    case Reservation.Reserved r ->
                                        (OfferReply) new OfferReply.Accepted(site.name(), r.node());
                                    case Reservation.Refused r -> new OfferReply.Rejected(site.name(), r.reason());
                                };
                            },
                            loop);
        });
    }

    private NodeDecision chooseNode(Offer offer) {
        return read(state -> {
            List<NodeState> nodes = new ArrayList<>();
            Map<String, Integer> replicasPerNode = new HashMap<>();
            for (PlacedInstance i : state.instances().values()) {
                if (sameService(i.id(), offer.id()) && !i.id().equals(offer.id())) {
                    replicasPerNode.merge(i.node(), 1, Integer::sum);
                }
            }
            for (NodeInfo info : state.nodes().values()) {
                var allocated = state.allocatedOn(info.name());
                int count = state.instancesOn(info.name());
                PlacedInstance current = state.instances().get(offer.id().key());
                if (current != null && current.node().equals(info.name())) {
                    // The replica being replaced frees its own room on its node.
                    allocated = allocated.minusClamped(current.service().resources());
                    count--;
                }
                for (PendingReservation p : pending) {
                    if (p.node().equals(info.name())) {
                        allocated = allocated.plus(p.resources());
                        count++;
                    }
                }
                nodes.add(new NodeState(info, allocated, count, ready(state, info.name())));
            }
            return NodeSelector.select(new NodeRequest(offer.service(), site, nodes, replicasPerNode, 1, seed));
        });
    }

    private static boolean sameService(InstanceId a, InstanceId b) {
        return a.tenant().equals(b.tenant())
                && a.environment().equals(b.environment())
                && a.service().equals(b.service());
    }

    public CompletableFuture<Void> handleRelease(InstanceId id, long generation) {
        return submit(new SiteCommand.ReleaseInstance(id, generation)).thenApply(a -> null);
    }

    /** The replicas homed at {@code homeSite} that this site runs. */
    public Map<String, ReplicaStatus> replicasOf(String homeSite) {
        return read(state -> {
            Map<String, ReplicaStatus> result = new HashMap<>();
            for (PlacedInstance i : state.instances().values()) {
                if (i.homeSite().equals(homeSite)) {
                    result.put(
                            i.id().key(),
                            new ReplicaStatus(
                                    i.id(),
                                    i.generation(),
                                    i.node(),
                                    i.state(),
                                    state.downNodes().contains(i.node()),
                                    i.ports(),
                                    i.pid(),
                                    i.startedAt(),
                                    i.restarts(),
                                    i.message()));
                }
            }
            return result;
        });
    }

    /**
     * What this site, as a home, last heard from every reachable site about the replicas it homes
     * there: by site, then by instance key. Refreshed on every reconcile tick.
     */
    public Map<String, Map<String, ReplicaStatus>> observedReplicas() {
        return Map.copyOf(observedBySite);
    }

    /** The sites this site's federation gives up for dead now (none before it starts). */
    public Set<String> deadSites() {
        Federation f = federation;
        return f == null ? Set.of() : f.deadSites();
    }

    /** This site's entry for placement: its free capacity per node, from the exact state. */
    public SiteSummary summary() {
        return read(state -> {
            List<NodeCapacity> nodes = new ArrayList<>();
            for (NodeInfo info : state.nodes().values()) {
                nodes.add(new NodeCapacity(
                        info.name(),
                        info.capacity().minusClamped(state.allocatedOn(info.name())),
                        Math.max(0, info.instanceSlots() - state.instancesOn(info.name())),
                        info.drivers(),
                        info.tags(),
                        ready(state, info.name())));
            }
            return new SiteSummary(site, true, nodes);
        });
    }

    private void pushAssignments() {
        Map<String, List<InstanceAssignment>> desired = read(state -> {
            Map<String, List<InstanceAssignment>> byNode = new HashMap<>();
            state.nodes().keySet().forEach(n -> byNode.put(n, new ArrayList<>()));
            for (PlacedInstance i : state.instances().values()) {
                byNode.computeIfAbsent(i.node(), n -> new ArrayList<>())
                        .add(new InstanceAssignment(i.id(), i.generation(), i.service()));
            }
            return byNode;
        });
        desired.forEach((node, assignments) -> {
            NodeAgentPort agent = agents.get(node);
            if (agent != null
                    && health(node) != NodeLiveness.Health.DOWN
                    && !assignments.equals(lastAssigned.get(node))) {
                try {
                    agent.assign(assignments);
                    lastAssigned.put(node, assignments);
                } catch (RuntimeException e) {
                    log.warn("site {}: node {} did not take its assignments; will retry", site.name(), node, e);
                }
            }
        });
    }

    private void onReport(InstanceReport report) {
        boolean changed = read(state -> {
            PlacedInstance current = state.instances().get(report.id().key());
            return current != null
                    && current.generation() == report.generation()
                    && !(current.state() == report.state()
                            && current.ports().equals(report.ports())
                            && current.pid().equals(report.pid())
                            && current.restarts() == report.restarts()
                            && current.startedAt().equals(report.startedAt())
                            && java.util.Objects.equals(current.message(), report.message()));
        });
        if (changed) submit(new SiteCommand.ReportInstance(report));
    }

    // --- home role ---------------------------------------------------------------------------

    private void tick() {
        try {
            judgeNodes();
            refreshObserved();
            var now = clock.instant();
            List<HomeAction> actions = read(state -> {
                List<HomeAction> all = new ArrayList<>();
                var observed = new dev.atoll.control.home.Observed(Map.copyOf(observedBySite), federation.deadSites());
                for (HomedEnvironment env : state.environments().values()) {
                    all.addAll(EnvironmentReconciler.decide(
                            env,
                            state.placementsOf(env),
                            state.unplaceableOf(env),
                            observed,
                            busyOf(env.key() + "."),
                            now));
                }
                return all;
            });
            // Replicas of one service are placed one after the other, so that each choice sees the
            // ones before it (spread and anti-affinity count committed placements).
            Map<String, CompletableFuture<Void>> chains = new HashMap<>();
            for (HomeAction action : actions) {
                if (action instanceof HomeAction.Place p) {
                    busy.add(p.id().key());
                    String service = p.id().tenant() + "/" + p.id().environment() + "." + p.id().service();
                    var previous = chains.getOrDefault(service, CompletableFuture.completedFuture(null));
                    chains.put(
                            service, previous.handleAsync((v, e) -> null, loop).thenCompose(v -> placeTracked(p)));
                } else {
                    carryOut(action);
                }
            }
        } catch (RuntimeException e) {
            log.warn("site {}: reconcile failed; will retry", site.name(), e);
        }
    }

    /** Marks nodes down when their agent falls silent, and up again when it is heard. */
    private void judgeNodes() {
        var now = clock.instant();
        List<SiteCommand> changes = read(state -> {
            List<SiteCommand> result = new ArrayList<>();
            for (String node : state.nodes().keySet()) {
                var heard = lastHeard.get(node);
                var health = heard == null ? NodeLiveness.Health.DOWN : liveness.judge(heard, now);
                boolean markedDown = state.downNodes().contains(node);
                if (health == NodeLiveness.Health.DOWN && !markedDown) {
                    String reason = heard == null
                            ? "no agent"
                            : "not heard for "
                                    + java.time.Duration.between(heard, now).toMillis() + " ms";
                    result.add(new SiteCommand.MarkNodeDown(node, reason, now));
                } else if (health == NodeLiveness.Health.ALIVE && markedDown) {
                    result.add(new SiteCommand.MarkNodeUp(node));
                    lastAssigned.remove(node);
                }
            }
            return result;
        });
        changes.forEach(this::submit);
    }

    private Set<String> busyOf(String prefix) {
        Set<String> result = new HashSet<>();
        for (String key : busy) if (key.startsWith(prefix)) result.add(key);
        return result;
    }

    private void refreshObserved() {
        Federation f = federation;
        var dead = f.deadSites();
        for (String target : f.siteNames()) {
            if (dead.contains(target)) {
                // What a dead site last said is no longer news; it is asked again when it is back.
                observedBySite.remove(target);
                continue;
            }
            f.replicasOf(target, site.name())
                    .thenAccept(r -> observedBySite.put(target, Map.copyOf(r)))
                    .exceptionally(e -> null);
        }
    }

    private void carryOut(HomeAction action) {
        switch (action) {
            case HomeAction.Place p -> throw new IllegalArgumentException("placements are chained in tick()");
            case HomeAction.Release r -> {
                busy.add(r.id().key());
                // Forgotten even when the site cannot be reached: the copy it may still run is then
                // one without a placement, which the reconciler releases once the site is back.
                federation
                        .release(r.site(), r.id(), r.generation())
                        .exceptionally(e -> null)
                        .thenCompose(v -> submit(new SiteCommand.ForgetPlacement(r.id())))
                        .whenCompleteAsync((v, e) -> busy.remove(r.id().key()), loop);
            }
            case HomeAction.ReleaseStale r -> {
                busy.add(r.id().key());
                federation
                        .release(r.site(), r.id(), r.generation())
                        .whenCompleteAsync((v, e) -> busy.remove(r.id().key()), loop);
            }
            case HomeAction.Forget f -> {
                String prefix = SiteState.environmentKey(f.tenant(), f.name()) + ".";
                if (busyOf(prefix).isEmpty()) submit(new SiteCommand.ForgetEnvironment(f.tenant(), f.name()));
            }
        }
    }

    private CompletableFuture<Void> placeTracked(HomeAction.Place p) {
        return CompletableFuture.<Void>completedFuture(null)
                .thenCompose(v -> place(p, new HashSet<>()))
                .whenCompleteAsync(
                        (v, e) -> {
                            if (e != null) log.warn("site {}: placing {} failed", site.name(), p.id(), e);
                            busy.remove(p.id().key());
                        },
                        loop);
    }

    /** Offers the replica to the best site, then the next, until one accepts or none is left. */
    private CompletableFuture<Void> place(HomeAction.Place p, Set<String> excluded) {
        String target;
        if (p.replacing().isPresent()
                && !excluded.contains(p.replacing().get().site())
                && !federation.deadSites().contains(p.replacing().get().site())) {
            target = p.replacing().get().site();
        } else {
            var decision = SiteSelector.select(new SiteRequest(
                    p.service(),
                    federation.summaries(),
                    replicasPerSite(p.id()),
                    p.replicasStillToPlace(),
                    excluded,
                    LatencyModel.ESTIMATED,
                    seed));
            if (decision instanceof SiteDecision.NoSite(var why)) {
                return submit(new SiteCommand.RecordUnplaceable(p.id(), why.toString(), clock.instant()))
                        .thenApply(a -> null);
            }
            target = ((SiteDecision.Chosen) decision).site();
        }
        return federation
                .offer(target, new Offer(p.id(), p.generation(), p.service(), site.name()))
                .thenComposeAsync(
                        reply -> switch (reply) {
                            case OfferReply.Accepted a ->
                                submit(new SiteCommand.RecordPlacement(
                                                p.id(), a.site(), p.generation(), p.templateVersion()))
                                        .thenCompose(applied -> releaseReplaced(p, a.site()));
                            case OfferReply.Rejected r -> {
                                excluded.add(r.site());
                                log.debug("site {}: {} rejected {}: {}", site.name(), r.site(), p.id(), r.reason());
                                yield place(p, excluded);
                            }
                        },
                        loop);
    }

    private CompletableFuture<Void> releaseReplaced(HomeAction.Place p, String newSite) {
        if (p.replacing().isEmpty() || p.replacing().get().site().equals(newSite)) {
            return CompletableFuture.completedFuture(null);
        }
        var old = p.replacing().get();
        // An unreachable old site is fine: the stale copy is released once it is back.
        return federation.release(old.site(), p.id(), old.generation()).exceptionally(e -> null);
    }

    private Map<String, Integer> replicasPerSite(InstanceId id) {
        return read(state -> {
            Map<String, Integer> counts = new HashMap<>();
            for (var placement : state.placements().values()) {
                if (sameService(placement.id(), id) && !placement.id().equals(id)) {
                    counts.merge(placement.site(), 1, Integer::sum);
                }
            }
            return counts;
        });
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
