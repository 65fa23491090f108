package dev.atoll.control.site;

import dev.atoll.control.cloud.EventLog;
import dev.atoll.control.federation.EnvironmentClaim;
import dev.atoll.control.federation.EnvironmentCopy;
import dev.atoll.control.federation.Federation;
import dev.atoll.control.federation.HomeClaim;
import dev.atoll.control.federation.NodeClaim;
import dev.atoll.control.federation.Offer;
import dev.atoll.control.federation.OfferReply;
import dev.atoll.control.federation.ReplicaReport;
import dev.atoll.control.federation.ReplicaStatus;
import dev.atoll.control.home.Adoption;
import dev.atoll.control.home.Buddies;
import dev.atoll.control.home.EnvironmentReconciler;
import dev.atoll.control.home.HomeAction;
import dev.atoll.control.network.AddressConflicts;
import dev.atoll.control.network.NetworkDirectory;
import dev.atoll.control.raft.RaftGroup;
import dev.atoll.control.site.Applied.Reservation;
import dev.atoll.control.site.SiteState.HomedEnvironment;
import dev.atoll.control.site.SiteState.PlacedInstance;
import dev.atoll.model.agent.AgentCalls;
import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.agent.NetworkAttachment;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.network.NetworkMember;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.net.ipam.AddressAllocator;
import dev.atoll.net.ipam.NetworkAddressing;
import dev.atoll.net.ipam.NetworkPlan;
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
import java.time.Duration;
import java.time.Instant;
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
    /** Names must follow a moved replica within 2 s; a third of a second leaves room for a slow site. */
    private static final int DIRECTORY_EVERY_TICKS = 3;
    /**
     * A target reports to each home what changed when it changes, and every 5 s even when nothing
     * did: that is how a home notices a replica it placed that never showed up. A lost report is
     * mended at once: the home, or the failed call, asks for everything.
     */
    private static final int REPORT_ALL_EVERY_TICKS = 50;
    /** Everything, to every home, once a minute: a safety net under the changes. */
    private static final int REPORT_EVERYTHING_EVERY_TICKS = 600;
    /**
     * Every environment is decided again this often even when nothing it depends on changed: a
     * safety net under the change tracking, cheap at once per 10 s.
     */
    private static final int DECIDE_ALL_EVERY_TICKS = 100;
    /** Replicas that found no site are tried again after a while; their environments are looked at once a second. */
    private static final int UNPLACEABLE_EVERY_TICKS = 10;

    private final NetworkDirectory directory = new NetworkDirectory();
    /** Addresses chosen for placements not yet recorded, as tenant/network/address; loop thread only. */
    private final Set<String> addressesInFlight = new HashSet<>();

    private NetworkAddressing addressing = NetworkAddressing.defaults();
    /** Where placements, offers and detections are counted; the process binds it to its meters. */
    private dev.atoll.control.metrics.ControlMetrics metrics = dev.atoll.control.metrics.ControlMetrics.NONE;
    /** Where this site's part of a deploy's trace goes; nothing is traced by default (the simulator). */
    private dev.atoll.model.trace.Tracing tracing = dev.atoll.model.trace.Tracing.NONE;
    /**
     * Per environment key, the trace of the deploy last accepted here and when: the replicas it asks
     * for are placed in that trace. Bounded; an entry older than {@link #DEPLOY_TRACE_FOR} is not used.
     */
    private final Map<String, Map.Entry<dev.atoll.model.trace.TraceContext, Instant>> deployTraces =
            java.util.Collections.synchronizedMap(bounded(256));
    /** Per "instance key#generation" reserved here, the traceparent of its offer's span, for its assignment. */
    private final Map<String, String> assignmentTraces = java.util.Collections.synchronizedMap(bounded(4096));

    private static final Duration DEPLOY_TRACE_FOR = Duration.ofSeconds(60);

    private static <V> Map<String, V> bounded(int max) {
        return new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }

    /** Nodes judged suspect and not yet heard again or declared down; loop only (counted once each). */
    private final Set<String> suspected = new HashSet<>();

    private long ticks;
    /** How long a home waits for a buddy to store a copy before trying the next one. */
    private static final Duration COPY_TIMEOUT = Duration.ofSeconds(5);
    /** How many buddies a change tries, one after the other, before it is reported unacknowledged. */
    private static final int COPY_ATTEMPTS = 2;

    private final SiteInfo site;
    private final RaftGroup raft;
    private final Map<String, NodeAgentPort> agents;
    private final Clock clock;
    /** The nodes of this site partitions hold, this site's and other sites' (see {@link NodeClaims}). */
    private final NodeClaims nodeClaims;

    private final EventLog events;
    private final ScheduledExecutorService loop;
    private final long seed;
    private volatile Federation federation;

    // Soft state of the leader's shell, touched on the loop only.
    private final Set<String> busy = new HashSet<>();
    private final Map<String, List<InstanceAssignment>> lastAssigned = new HashMap<>();
    /**
     * Per target site, what it last reported of the replicas it runs for this home, by instance key:
     * sorted (the reconciler walks it in key order) and concurrent (reports of changes edit it in
     * place while readers of the API copy it). Only {@link #observeEverything} puts a view here.
     */
    private final Map<String, java.util.concurrent.ConcurrentSkipListMap<String, ReplicaStatus>> observedBySite =
            new ConcurrentHashMap<>();
    /** Reservations accepted but not yet in the applied state, so two offers never take one slot. */
    private final List<PendingReservation> pending = new ArrayList<>();
    /** When each node's agent was last heard; soft state, so a new leader starts by trusting all. */
    private final Map<String, Heard> lastHeard = new ConcurrentHashMap<>();

    /**
     * One node's last heartbeat. A holder the heartbeat callback keeps, so the two a second of each
     * of a site's hundred nodes are one write each, not a map update.
     */
    private static final class Heard {
        volatile java.time.Instant at;

        Heard(java.time.Instant at) {
            this.at = at;
        }
    }

    private java.time.Instant lastHeard(String node) {
        Heard heard = lastHeard.get(node);
        return heard == null ? null : heard.at;
    }

    private final NodeLiveness liveness = NodeLiveness.DEFAULT;
    /** Until when no node can be judged down (loop thread; null: judge at the next tick). */
    private java.time.Instant nodesQuietUntil;
    /** How many nodes the state had when {@link #nodesQuietUntil} was worked out. */
    private int quietNodes = -1;
    /**
     * Per target site and instance key, since when (by the first answer without it) a replica placed
     * there has been missing from every answer of that site; on the loop only.
     */
    private final Map<String, Map<String, Absence>> absentSince = new HashMap<>();
    /** Longer than any placement takes to show at its target. */
    private static final Duration VANISHED_AFTER = Duration.ofSeconds(2);

    // Incremental reconciling, on the loop only: a home decides again only the environments whose
    // inputs changed (their record, placements, reported replicas, busy keys; every environment
    // when the dead sites change), which is what lets one site home thousands of environments.
    /** Environments (tenant/name) to decide at the next tick. */
    private final Set<String> toDecide = new HashSet<>();

    private boolean decideAll = true;
    private Set<String> lastDead = Set.of();
    private Set<String> lastPlaceAgain = Set.of();
    private Set<String> addressLosers = Set.of();
    private long conflictsAtDirectoryVersion = -1;
    /** Raised whenever {@link #observedBySite} changes; the Observed built from it is kept until then. */
    private long observedVersion;
    /** {@link #observedBySite} sorted, and indexed by environment, as {@link dev.atoll.control.home.Observed} takes them. */
    private final java.util.NavigableMap<String, Map<String, ReplicaStatus>> observedTree = new java.util.TreeMap<>();

    private final Map<String, Map<String, ReplicaStatus>> observedSorted =
            java.util.Collections.unmodifiableNavigableMap(observedTree);
    /** Per environment key: its reported replicas by site then instance key. */
    private final Map<String, java.util.NavigableMap<String, dev.atoll.control.home.Observed.ReplicaAt>>
            observedByEnvironment = new HashMap<>();

    private final Map<String, List<dev.atoll.control.home.Observed.ReplicaAt>> observedIndex = new HashMap<>();
    private final Map<String, List<dev.atoll.control.home.Observed.ReplicaAt>> observedIndexView =
            java.util.Collections.unmodifiableMap(observedIndex);
    private long strayCheckedVersion = -1;
    /** Whether this leader asked every site for its replicas yet (once, at its first tick). */
    private boolean surveyed;

    // The target's reports to homes, on the loop only.
    /** Per home, by environment key, the replicas last reported (or to report) to it. */
    private final Map<String, Map<String, Map<String, ReplicaStatus>>> reportsByHome = new HashMap<>();
    /** Per home, what the next report to it carries: everything, or the changes since the last one. */
    private final Map<String, Outbox> outboxes = new HashMap<>();
    /** The {@link ReplicaReport#stream} of this leader's reports; a new one with every replaced state. */
    private long reportStream;
    /** Per environment key, the homes its replicas were reported to. */
    private final Map<String, Set<String>> reportedHomesOf = new HashMap<>();
    /** Homes to send a report to at the next tick. */
    private final Set<String> homesToReport = new java.util.TreeSet<>();
    /** Homes with a report under way: one at a time each, so they arrive in order. */
    private final Set<String> reportsInFlight = new HashSet<>();

    private final java.util.concurrent.atomic.AtomicLong offersAccepted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong offersRejected = new java.util.concurrent.atomic.AtomicLong();

    // Soft state of the buddy protocol, touched on the loop only; a new leader starts empty and so
    // sends every copy and claim again (both are idempotent).
    /** Per buddy site, the copies it acknowledged (without stamps), by environment key. */
    private final Map<String, Map<String, EnvironmentCopy>> ackedCopies = new HashMap<>();
    /** "site|key" of copies and claims under way. */
    private final Set<String> inFlight = new HashSet<>();
    /** Per environment key, the claim this home spreads and the sites yet to accept it. */
    private final Map<String, ClaimSpread> claimedAt = new HashMap<>();
    /** The list of sites the claims were last spread over. */
    private List<String> claimSites = List.of();
    /** The environments this site adopted, with their claims, when last read. */
    private AdoptedLook adopted;
    /** Live sites whose copies for this home were listed since this leader began (or they came back). */
    private final Set<String> inventoried = new HashSet<>();
    /** Environments whose copies are looked at again next tick (one was under way, failed or just answered). */
    private final Set<String> copiesToRetry = new HashSet<>();

    /** Whether listing a site's copies failed, so every site and environment is looked at next tick. */
    private boolean inventoryToRetry;

    private List<String> lastCopySites = List.of();

    /** Since when each site has been seen dead. */
    private final Map<String, Instant> deadSince = new HashMap<>();

    private OrphanLook lastOrphanLook;
    private boolean adoptionEnded;

    private record PendingReservation(String node, dev.atoll.model.Resources resources) {}

    /**
     * What site selection worked out for the services placed lately (RTTs to their users, above
     * all), kept across their replicas, which are placed one after the other; a memo answers as if
     * worked out afresh (see {@link SiteSelector.Memo}).
     */
    private List<dev.atoll.placement.SiteSummary> memosFor;

    private final Map<String, SiteSelector.Memo> placementMemos = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SiteSelector.Memo> eldest) {
            // A few: each holds an entry for every site, and a home places few services at once.
            return size() > 4;
        }
    };

    public SiteController(
            SiteInfo site, RaftGroup raft, Map<String, NodeAgentPort> agents, Clock clock, EventLog events, long seed) {
        this(
                site,
                raft,
                agents,
                clock,
                events,
                seed,
                Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().name("site-" + site.name()).daemon().factory()));
    }

    /**
     * A site whose loop is {@code loop}: a single-threaded executor that the site owns from now on
     * (closing the site shuts it down). The simulator passes one on virtual time.
     */
    public SiteController(
            SiteInfo site,
            RaftGroup raft,
            Map<String, NodeAgentPort> agents,
            Clock clock,
            EventLog events,
            long seed,
            ScheduledExecutorService loop) {
        this.site = site;
        this.raft = raft;
        this.agents = new ConcurrentHashMap<>(agents);
        this.clock = clock;
        this.nodeClaims = new NodeClaims(clock);
        this.events = events;
        this.seed = seed;
        this.loop = loop;
    }

    public SiteInfo site() {
        return site;
    }

    /** Where this site carves tenant networks from (before {@link #start}). */
    public SiteController withNetworkAddressing(NetworkAddressing addressing) {
        this.addressing = addressing;
        return this;
    }

    /** Where this site counts placements, offers and failure detections (before {@link #start}). */
    public SiteController withMetrics(dev.atoll.control.metrics.ControlMetrics metrics) {
        this.metrics = java.util.Objects.requireNonNull(metrics, "metrics");
        return this;
    }

    /** Where this site traces its part of deploys: placements as a home, offers as a target (before {@link #start}). */
    public SiteController withTracing(dev.atoll.model.trace.Tracing tracing) {
        this.tracing = java.util.Objects.requireNonNull(tracing, "tracing");
        return this;
    }

    /** Every network member of the cloud, as this site last heard it. */
    public NetworkDirectory networkDirectory() {
        return directory;
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
                            .forEach(node -> lastHeard.putIfAbsent(node, new Heard(now)));
                    loop.execute(() -> {
                        pushAllNodes = true;
                        pushAssignments();
                    });
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
            for (SiteEvent e : applied.events()) {
                events.publish(site.name(), e);
                // Counted where it is applied, once: the command may have been sent twice.
                if (e.type().equals("node-down")) {
                    metrics.detected(site.name(), dev.atoll.control.metrics.ControlMetrics.Detection.NODE_DOWN);
                }
            }
            // What nodes run changes only with these; most commits are instance reports.
            if (command instanceof SiteCommand.ReserveInstance
                    || command instanceof SiteCommand.ReleaseInstance
                    || command instanceof SiteCommand.MarkNodeUp
                    || command instanceof SiteCommand.MigrateOut
                    || command instanceof SiteCommand.RegisterNode) {
                requestAssignments();
            }
            return applied;
        });
    }

    private void listenTo(String node, NodeAgentPort agent) {
        Heard heard = lastHeard.computeIfAbsent(node, n -> new Heard(clock.instant()));
        heard.at = clock.instant();
        agent.onReport(report -> loop.execute(() -> onReport(report)));
        agent.onHeartbeat(() -> heard.at = clock.instant());
        agent.onUsage(usage -> usageListener.accept(node, usage));
    }

    /** Who hears the measured use its nodes' agents send (the site's rebalancer); nobody by default. */
    private volatile java.util.function.BiConsumer<String, dev.atoll.model.agent.NodeUsage> usageListener =
            (node, usage) -> {};

    /**
     * Passes every node's measured use (see {@link NodeAgentPort#onUsage}) to {@code listener}, on
     * the agent's thread; may be set before or after {@link #start}.
     */
    public SiteController onNodeUsage(java.util.function.BiConsumer<String, dev.atoll.model.agent.NodeUsage> listener) {
        this.usageListener = java.util.Objects.requireNonNull(listener, "listener");
        return this;
    }

    private volatile dev.atoll.control.cloud.SitePlans plans = dev.atoll.control.cloud.SitePlans.NONE;

    /** The site's background optimizer, answered through its share ({@code GET /v1/plans}). */
    public SiteController withPlans(dev.atoll.control.cloud.SitePlans plans) {
        this.plans = java.util.Objects.requireNonNull(plans, "plans");
        return this;
    }

    public dev.atoll.control.cloud.SitePlans plans() {
        return plans;
    }

    /** Every site's summary as gossip last spread it (this one's included); none before start. */
    public List<SiteSummary> knownSummaries() {
        Federation f = federation;
        return f == null ? List.of() : f.summaries();
    }

    /** The latency model the federation knows (measured RTTs where gossip has them). */
    public LatencyModel latencyModel() {
        Federation f = federation;
        return f == null ? LatencyModel.ESTIMATED : f.latency(LatencyModel.ESTIMATED);
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
                nodesToPush.add(node.name());
                pushAssignments();
            });
        });
    }

    public NodeAgentPort agent(String node) {
        return agents.get(node);
    }

    /** How the leader judges a node now; a node without an agent here is down. */
    public NodeLiveness.Health health(String node) {
        return health(node, clock.instant());
    }

    private NodeLiveness.Health health(String node, java.time.Instant now) {
        var heard = lastHeard(node);
        return heard == null ? NodeLiveness.Health.DOWN : liveness.judge(heard, now);
    }

    /** Whether a node takes new replicas at {@code now}: alive, not marked down, not draining. */
    private boolean ready(SiteState state, String node, java.time.Instant now) {
        return !state.downNodes().contains(node)
                && !state.drainingNodes().contains(node)
                && health(node, now) == NodeLiveness.Health.ALIVE;
    }

    // --- target role -------------------------------------------------------------------------

    /** Chooses a node from the exact state and reserves it through the log. */
    public CompletableFuture<OfferReply> handleOffer(Offer offer) {
        var parent = dev.atoll.model.trace.TraceContext.parse(offer.traceparent());
        if (parent.isEmpty()) return decideOffer(offer);
        var span = tracing.start(
                "atoll.offer",
                parent.get(),
                Map.of(
                        "atoll.site",
                        site.name(),
                        "atoll.instance",
                        offer.id().display(),
                        "atoll.home",
                        offer.home() == null ? "" : offer.home().homeSite(),
                        "atoll.tenant",
                        offer.id().tenant()));
        // Known before the reservation commits: its assignment may be sent to the agent right after.
        String assignment = offer.id().key() + "#" + offer.generation();
        if (span.context() != null)
            assignmentTraces.put(assignment, span.context().traceparent());
        return decideOffer(offer).whenComplete((reply, error) -> {
            if (reply instanceof OfferReply.Accepted) {
                span.end();
            } else {
                assignmentTraces.remove(assignment);
                span.fail(reply instanceof OfferReply.Rejected r ? r.reason() : String.valueOf(error));
            }
        });
    }

    private CompletableFuture<OfferReply> decideOffer(Offer offer) {
        return CompletableFuture.supplyAsync(() -> chooseNode(offer), loop).thenCompose(choice -> {
            if (choice instanceof NodeDecision.NoFit(var why)) {
                return CompletableFuture.completedFuture(answered(new OfferReply.Rejected(
                        site.name(), why.toString(), dev.atoll.control.metrics.OfferOutcome.NO_FIT)));
            }
            String node = ((NodeDecision.Chosen) choice).node();
            var migration = offer.migrate() ? incomingMigration(offer, node) : null;
            var reservation = new PendingReservation(node, offer.service().resources());
            pending.add(reservation);
            return submit(new SiteCommand.ReserveInstance(
                            offer.id(),
                            offer.generation(),
                            offer.service(),
                            offer.home().homeSite(),
                            node,
                            clock.instant(),
                            offer.home(),
                            offer.networks(),
                            offer.keepPrevious(),
                            migration))
                    .handleAsync(
                            (applied, error) -> {
                                pending.remove(reservation);
                                if (error != null)
                                    return answered(new OfferReply.Rejected(
                                            site.name(),
                                            "site " + site.name() + " could not commit: " + error.getMessage(),
                                            dev.atoll.control.metrics.OfferOutcome.NOT_COMMITTED));
                                return answered(
                                        switch ((Reservation) applied.response()) {
                                            case Reservation.Reserved r ->
                                                (OfferReply) new OfferReply.Accepted(
                                                        site.name(),
                                                        r.node(),
                                                        migration == null ? null : migration.endpoint());
                                            case Reservation.Refused r ->
                                                new OfferReply.Rejected(site.name(), r.reason(), r.kind());
                                        });
                            },
                            loop);
        });
    }

    /**
     * Where the new copy of a migrating micro-VM waits for its memory: the node's address and a port
     * worked out from the replica and generation (the agent listens there; a clash fails the
     * migration, and the original keeps running).
     */
    private dev.atoll.model.agent.Migration incomingMigration(Offer offer, String node) {
        String address = read(state -> {
            NodeInfo info = state.nodes().get(node);
            return info == null || info.address().isEmpty() ? "127.0.0.1" : info.address();
        });
        int port = MIGRATION_PORTS_FROM
                + Math.floorMod((offer.id().key() + "#" + offer.generation()).hashCode(), MIGRATION_PORTS);
        return new dev.atoll.model.agent.Migration(dev.atoll.model.agent.Migration.Role.INCOMING, address, port);
    }

    private static final int MIGRATION_PORTS_FROM = 47_000;
    private static final int MIGRATION_PORTS = 2_000;

    /** A home asks this site to send a micro-VM's memory to its new copy (see {@link Federation#migrate}). */
    public CompletableFuture<Void> handleMigrate(
            InstanceId id, long generation, dev.atoll.model.agent.Migration migration, HomeClaim by) {
        var outgoing = new dev.atoll.model.agent.Migration(
                dev.atoll.model.agent.Migration.Role.OUTGOING, migration.address(), migration.port());
        return submit(new SiteCommand.MigrateOut(id, generation, outgoing, by)).thenApply(a -> null);
    }

    /** The nodes of this site that partitions hold; the site's rebalancer holds its own partitions' here. */
    public NodeClaims nodeClaims() {
        return nodeClaims;
    }

    /** Another site's partition asks to hold nodes of this site (see {@link Federation#claimNodes}). */
    public NodeClaim.Answer handleNodeClaim(NodeClaim claim) {
        String prefix = site.name() + "/";
        for (String node : claim.nodes()) {
            if (!node.startsWith(prefix))
                return NodeClaim.Answer.refused(node + " is not a node of site " + site.name());
        }
        return nodeClaims.hold(claim.owner(), claim.nodes(), claim.holdMillis());
    }

    /** The owner of a partition let go of what it held here. */
    public void handleNodeRelease(String owner) {
        nodeClaims.release(owner);
    }

    /** Asks {@code targetSite} to hold nodes for one of this site's partitions. */
    public CompletableFuture<NodeClaim.Answer> claimNodesAt(String targetSite, NodeClaim claim) {
        return federation.claimNodes(targetSite, claim);
    }

    /** Tells {@code targetSite} a partition of this site no longer needs its nodes. */
    public CompletableFuture<Void> releaseNodesAt(String targetSite, String owner) {
        return federation.releaseNodes(targetSite, owner);
    }

    private OfferReply answered(OfferReply reply) {
        metrics.offerHandled(site.name(), reply.outcome());
        return reply;
    }

    private NodeDecision chooseNode(Offer offer) {
        var machine = (SiteStateMachine) raft.leaderMachine();
        // Instance keys are tenant/environment.service.index: one service is a key range.
        String service = offer.id().tenant() + "/" + offer.id().environment() + "."
                + offer.id().service() + ".";
        var now = clock.instant();
        return machine.read(state -> {
            List<NodeState> nodes = new ArrayList<>();
            Map<String, Integer> replicasPerNode = new HashMap<>();
            for (PlacedInstance i : state.instances()
                    .subMap(service, service + Character.MAX_VALUE)
                    .values()) {
                if (sameService(i.id(), offer.id()) && !i.id().equals(offer.id())) {
                    replicasPerNode.merge(i.node(), 1, Integer::sum);
                }
            }
            for (NodeInfo info : state.nodes().values()) {
                // A move's offer may pin its node, and never lands on the node the replica leaves.
                if (offer.node() != null && !offer.node().equals(info.name())) continue;
                if (info.name().equals(offer.avoidNode())) continue;
                var onNode = machine.loadOn(info.name());
                var allocated = onNode.allocated();
                int count = onNode.instances();
                PlacedInstance current = state.instances().get(offer.id().key());
                if (current != null && current.node().equals(info.name()) && !offer.keepPrevious()) {
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
                nodes.add(new NodeState(info, allocated, count, ready(state, info.name(), now)));
            }
            return NodeSelector.select(new NodeRequest(offer.service(), site, nodes, replicasPerNode, 1, seed));
        });
    }

    private static boolean sameService(InstanceId a, InstanceId b) {
        return a.tenant().equals(b.tenant())
                && a.environment().equals(b.environment())
                && a.service().equals(b.service());
    }

    public CompletableFuture<Void> handleRelease(InstanceId id, long generation, HomeClaim by) {
        return submit(new SiteCommand.ReleaseInstance(id, generation, by)).thenApply(a -> null);
    }

    /**
     * The replicas this site runs for environments homed at {@code homeSite}: by the strongest home
     * claim known here, so after an adoption they answer to the new home whoever placed them.
     */
    public Map<String, ReplicaStatus> replicasOf(String homeSite) {
        // Every home asks every tick; the answers for all homes are worked out once per applied
        // state, not once per home: a site holds thousands of replicas.
        return ((SiteStateMachine) raft.leaderMachine()).readAt((state, index) -> {
            ReplicasByHome cached = replicasByHome;
            if (cached == null || cached.index() != index) {
                cached = new ReplicasByHome(index, groupByHome(state));
                replicasByHome = cached;
            }
            return cached.byHome().getOrDefault(homeSite, Map.of());
        });
    }

    private record ReplicasByHome(long index, Map<String, Map<String, ReplicaStatus>> byHome) {}

    private volatile ReplicasByHome replicasByHome;

    private static Map<String, Map<String, ReplicaStatus>> groupByHome(SiteState state) {
        Map<String, Map<String, ReplicaStatus>> byHome = new HashMap<>();
        Map<String, java.util.Optional<HomeClaim>> claims = new HashMap<>();
        for (PlacedInstance i : state.instances().values()) {
            // As SiteState.homeOf: the strongest claim, else the site that placed it.
            var claim = state.homeClaims().isEmpty()
                    ? java.util.Optional.<HomeClaim>empty()
                    : claims.computeIfAbsent(
                            SiteState.environmentKey(i.id().tenant(), i.id().environment()),
                            key -> java.util.Optional.ofNullable(
                                    state.homeClaims().get(key)));
            String home = claim.map(HomeClaim::homeSite).orElse(i.homeSite());
            byHome.computeIfAbsent(home, h -> new HashMap<>()).put(i.id().key(), statusOf(state, i));
        }
        byHome.replaceAll((home, replicas) -> java.util.Collections.unmodifiableMap(replicas));
        return byHome;
    }

    private static boolean isNetworkMember(PlacedInstance i) {
        return !i.networks().isEmpty() || !i.service().expose().isEmpty();
    }

    /** The replicas this site runs that are on a tenant network or publish a port. */
    public List<NetworkMember> networkMembers() {
        return read(state -> {
            List<NetworkMember> members = new ArrayList<>();
            // A moving replica's departing copy serves until the home switches to the new one.
            for (PlacedInstance i : state.onNodes()) {
                if (!isNetworkMember(i)) continue;
                NodeInfo node = state.nodes().get(i.node());
                members.add(new NetworkMember(
                        i.id(),
                        i.generation(),
                        site.name(),
                        i.node(),
                        node == null ? "" : node.address(),
                        state.downNodes().contains(i.node()) ? InstanceState.FAILED : i.state(),
                        i.networks(),
                        i.ports(),
                        i.service().expose()));
            }
            return members;
        });
    }

    /**
     * What a node needs for its DNS server and tunnels: every member of the tenants it runs replicas
     * of, and how far this site is from the others (same-site replicas are named first, then the
     * nearest).
     */
    public AgentCalls.NetworkView networkViewFor(String node) {
        Set<String> tenants = read(state -> {
            Set<String> found = new HashSet<>();
            for (PlacedInstance i : state.instances().values()) {
                if (i.node().equals(node) && !i.networks().isEmpty()) found.add(i.id().tenant());
            }
            return found;
        });
        return new AgentCalls.NetworkView(site.name(), directory.membersOf(tenants), rttMicrosToOtherSites());
    }

    /**
     * Where the replicas of {@code spec} would go if this site placed them now; nothing is reserved.
     * {@code running} are the environment's replicas now (none for a new one). See {@link
     * dev.atoll.control.home.PlacementForecast}.
     */
    public dev.atoll.model.view.PlacementPreview previewPlacement(
            EnvironmentSpec spec, boolean exists, List<dev.atoll.model.instance.InstanceView> running) {
        Federation f = federation;
        if (f == null) throw new IllegalStateException("site " + site.name() + " has not started");
        return dev.atoll.control.home.PlacementForecast.of(
                spec, exists, running, f.summaries(), f.latency(LatencyModel.ESTIMATED), seed);
    }

    /** The round trip to every other site this one knows, measured where gossip has it, else estimated. */
    public List<dev.atoll.model.view.SiteLink> linksToOtherSites() {
        List<dev.atoll.model.view.SiteLink> links = new ArrayList<>();
        Federation f = federation;
        if (f == null) return links;
        var latency = f.latency(LatencyModel.ESTIMATED);
        Map<String, Double> measured = latency.measuredBetweenSites().stream()
                .filter(r -> r.origin().name().equals(site.name()))
                .findFirst()
                .map(LatencyModel.SiteRtts::rttMsToSites)
                .orElse(Map.of());
        for (var summary : f.summaries()) {
            String other = summary.site().name();
            if (other.equals(site.name())) continue;
            Double ms = measured.get(other);
            links.add(new dev.atoll.model.view.SiteLink(
                    site.name(),
                    other,
                    ms != null
                            ? ms
                            : LatencyModel.estimateRttMs(
                                    site.location(), summary.site().location()),
                    ms != null));
        }
        return links;
    }

    /** Measured round trips where gossip has them, else estimated from the sites' coordinates. */
    public Map<String, Long> rttMicrosToOtherSites() {
        Map<String, Long> rtt = new HashMap<>();
        if (federation == null) return rtt;
        var latency = federation.latency(LatencyModel.ESTIMATED);
        Map<String, Double> measured = latency.measuredBetweenSites().stream()
                .filter(r -> r.origin().name().equals(site.name()))
                .findFirst()
                .map(LatencyModel.SiteRtts::rttMsToSites)
                .orElse(Map.of());
        for (var summary : federation.summaries()) {
            String other = summary.site().name();
            if (other.equals(site.name())) continue;
            double ms = measured.getOrDefault(
                    other,
                    LatencyModel.estimateRttMs(site.location(), summary.site().location()));
            rtt.put(other, Math.round(ms * 1000));
        }
        return rtt;
    }

    /**
     * What this site, as a home, last heard from every reachable site about the replicas it homes
     * there: by site, then by instance key. Refreshed on every reconcile tick.
     */
    public Map<String, Map<String, ReplicaStatus>> observedReplicas() {
        return Map.<String, Map<String, ReplicaStatus>>copyOf(observedBySite);
    }

    /** What one {@link #replicasElsewhere} may ask: a plan is worth some calls, not a storm of them. */
    static final int ELSEWHERE_CALLS_MAX = 256;

    private static final Duration ELSEWHERE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Where the other live sites run replicas of the environments that have replicas here, by site
     * then instance key: what a site's plan counts beside its own replicas (spread, anti-affinity).
     * For the environments homed here, what their sites last reported to this home, kept where
     * the home placed them (no call); for the others, each live site is asked what it runs for
     * their homes, at most {@value #ELSEWHERE_CALLS_MAX} calls, and a site that does not answer
     * within 5 s counts as running none of them.
     */
    public CompletableFuture<Map<String, Map<String, ReplicaStatus>>> replicasElsewhere() {
        Federation f = federation;
        Set<String> dead = deadSites();
        Map<String, Map<String, ReplicaStatus>> seen = new java.util.TreeMap<>();
        Set<String> otherHomes = read(state -> {
            Set<String> homes = new java.util.TreeSet<>();
            for (PlacedInstance i : state.instances().values()) homes.add(state.homeOf(i));
            if (homes.remove(site.name())) {
                observedBySite.forEach((at, replicas) -> {
                    if (at.equals(site.name()) || dead.contains(at)) return;
                    for (ReplicaStatus r : replicas.values()) {
                        var placed = state.placements().get(r.id().key());
                        // A copy the home no longer places there (stale, superseded) does not count.
                        if (placed != null && placed.site().equals(at))
                            seen.computeIfAbsent(at, k -> new java.util.TreeMap<>())
                                    .put(r.id().key(), r);
                    }
                });
            }
            return homes;
        });
        if (f == null || otherHomes.isEmpty()) return CompletableFuture.completedFuture(seen);
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (String home : otherHomes) {
            for (String target : f.siteNames()) {
                if (target.equals(site.name()) || dead.contains(target)) continue;
                if (calls.size() == ELSEWHERE_CALLS_MAX) break;
                calls.add(f.replicasOf(target, home)
                        .applyToEither(timeoutOnLoop(ELSEWHERE_TIMEOUT), x -> x)
                        .handle((replicas, error) -> {
                            if (replicas != null && !replicas.isEmpty()) {
                                synchronized (seen) {
                                    seen.computeIfAbsent(target, k -> new java.util.TreeMap<>())
                                            .putAll(replicas);
                                }
                            }
                            return null;
                        }));
            }
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> {
            synchronized (seen) {
                return Map.copyOf(seen);
            }
        });
    }

    /** The sites this site's federation gives up for dead now (none before it starts). */
    public Set<String> deadSites() {
        Federation f = federation;
        return f == null ? Set.of() : f.deadSites();
    }

    /**
     * Records home claims in one commit (see {@link Federation#claimHomes}); answers, in order, the
     * strongest claim after each.
     */
    public CompletableFuture<List<HomeClaim>> handleClaimHomes(List<EnvironmentClaim> claims) {
        List<SiteCommand.ClaimHome> commands = claims.stream()
                .map(c -> new SiteCommand.ClaimHome(c.tenant(), c.environment(), c.claim(), site.name()))
                .toList();
        return submit(new SiteCommand.ClaimHomes(commands)).thenApply(a -> {
            List<HomeClaim> standings = new ArrayList<>(commands.size());
            for (Object standing : (List<?>) a.response()) standings.add((HomeClaim) standing);
            return standings;
        });
    }

    // --- buddy role --------------------------------------------------------------------------

    /** Keeps a home's copy in this site's log; answers the strongest claim known here. */
    public CompletableFuture<HomeClaim> handleStoreCopy(EnvironmentCopy copy) {
        return submit(new SiteCommand.StoreCopy(copy)).thenApply(a -> (HomeClaim) a.response());
    }

    /** The copies kept here for {@code homeSite}, by environment key, with their claims. */
    public Map<String, HomeClaim> copiesHeld(String homeSite) {
        return read(state -> {
            Map<String, HomeClaim> held = new HashMap<>();
            for (EnvironmentCopy copy : state.copies().values()) {
                if (copy.homeSite().equals(homeSite)) held.put(copy.key(), copy.claim());
            }
            return held;
        });
    }

    public CompletableFuture<Void> handleForgetCopy(String tenant, String environment, HomeClaim claim) {
        return submit(new SiteCommand.ForgetCopy(tenant, environment, claim)).thenApply(a -> null);
    }

    /** This site's entry for placement: its free capacity per node, from the exact state. */
    public SiteSummary summary() {
        var machine = (SiteStateMachine) raft.leaderMachine();
        var now = clock.instant();
        return machine.read(state -> {
            List<NodeCapacity> nodes = new ArrayList<>();
            for (NodeInfo info : state.nodes().values()) {
                var onNode = machine.loadOn(info.name());
                nodes.add(new NodeCapacity(
                        info.name(),
                        info.capacity().minusClamped(onNode.allocated()),
                        Math.max(0, info.instanceSlots() - onNode.instances()),
                        info.drivers(),
                        info.tags(),
                        ready(state, info.name(), now)));
            }
            // Sites keep the summaries they were gossiped for a while (a thousand sites, a hundred
            // nodes each): what did not change is shared with the last summary, not copied.
            SiteSummary last = lastSummary;
            if (last != null && last.nodes().size() == nodes.size()) {
                if (last.nodes().equals(nodes)) return last;
                for (int i = 0; i < nodes.size(); i++) {
                    if (nodes.get(i).equals(last.nodes().get(i)))
                        nodes.set(i, last.nodes().get(i));
                }
            }
            var summary = new SiteSummary(site, true, nodes);
            lastSummary = summary;
            return summary;
        });
    }

    /** The last summary given (any thread, under the state machine's lock). */
    private volatile SiteSummary lastSummary;

    /** Whether a push of assignments is queued on the loop: commits in a burst share one. */
    private final java.util.concurrent.atomic.AtomicBoolean assignmentsQueued =
            new java.util.concurrent.atomic.AtomicBoolean();

    private void requestAssignments() {
        if (assignmentsQueued.compareAndSet(false, true)) {
            loop.execute(() -> {
                assignmentsQueued.set(false);
                pushAssignments();
            });
        }
    }

    /** Nodes whose assignments are to be pushed at the next push (loop thread). */
    private final Set<String> nodesToPush = new HashSet<>();

    /** Whether the next push goes to every node (a controller that just started). */
    private boolean pushAllNodes;

    /**
     * Sends each node whose replicas changed what it should run, unless it already has exactly that:
     * the nodes come from the state machine (the commits that change them), not a pass over every
     * replica of the site.
     */
    private void pushAssignments() {
        var machine = (SiteStateMachine) raft.leaderMachine();
        Map<String, List<InstanceAssignment>> desired = machine.read(state -> {
            var changed = machine.drainChangedNodes();
            nodesToPush.addAll(
                    changed.everything() || pushAllNodes ? state.nodes().keySet() : changed.nodes());
            pushAllNodes = false;
            Map<String, List<InstanceAssignment>> byNode = new java.util.TreeMap<>();
            for (String node : nodesToPush) {
                if (!state.nodes().containsKey(node)) continue;
                List<InstanceAssignment> assignments = new ArrayList<>();
                for (PlacedInstance i : machine.instancesOn(node)) {
                    assignments.add(new InstanceAssignment(
                            i.id(),
                            i.generation(),
                            i.service(),
                            i.networks(),
                            assignmentTraces.isEmpty()
                                    ? null
                                    : assignmentTraces.get(i.id().key() + "#" + i.generation()),
                            i.migration()));
                }
                byNode.put(node, assignments);
            }
            return byNode;
        });
        nodesToPush.clear();
        desired.forEach((node, assignments) -> {
            NodeAgentPort agent = agents.get(node);
            if (agent == null || assignments.equals(lastAssigned.get(node))) return;
            if (health(node) == NodeLiveness.Health.DOWN) {
                // Pushed when it is heard again (marked up), or at the next push that finds it alive.
                nodesToPush.add(node);
                return;
            }
            try {
                agent.assign(assignments);
                lastAssigned.put(node, assignments);
            } catch (RuntimeException e) {
                nodesToPush.add(node);
                log.warn("site {}: node {} did not take its assignments; will retry", site.name(), node, e);
            }
        });
    }

    private void onReport(InstanceReport report) {
        boolean changed = read(state -> {
            PlacedInstance current = state.instances().get(report.id().key());
            PlacedInstance leaving = state.departing().get(report.id().key());
            // The departing copy of a move between two nodes here reports under the same key.
            if (leaving != null && leaving.generation() == report.generation()) current = leaving;
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

    /**
     * Creates or changes an environment homed here, and completes only once it is committed in this
     * site's log <em>and</em> a buddy site committed its copy (the next live site on the buddy ring
     * that answers; see {@link Buddies}). A federation of this site alone has no buddy: the local
     * commit is all there is. When other sites are known but none stores the copy, the future fails
     * with {@link NoBuddyException}; the change stays committed here and is copied as soon as a
     * buddy is back, but it was not acknowledged.
     */
    public CompletableFuture<Applied> putEnvironment(EnvironmentSpec spec, Instant now) {
        String key = SiteState.environmentKey(spec.tenant(), spec.name());
        var trace = tracing.current();
        if (trace != null) deployTraces.put(key, Map.entry(trace, clock.instant()));
        return submit(new SiteCommand.PutEnvironment(spec, now))
                .thenComposeAsync(applied -> copyToABuddy(key).thenApply(v -> applied), loop);
    }

    /** Other sites are known but none stored the copy of a change: it is not acknowledged. */
    public static final class NoBuddyException extends RuntimeException {
        /** Every message says this, so a caller over the wire can recognise it. */
        public static final String MARKER = "but not acknowledged";

        public NoBuddyException(String message) {
            super(message);
        }
    }

    private CompletableFuture<Void> copyToABuddy(String key) {
        Federation f = federation;
        List<String> sites = f.siteNames();
        if (sites.stream().allMatch(site.name()::equals)) return CompletableFuture.completedFuture(null);
        List<String> candidates = Buddies.liveAfter(site.name(), sites, f.deadSites());
        if (candidates.isEmpty()) {
            return CompletableFuture.failedFuture(new NoBuddyException("environment "
                    + key.substring(key.indexOf('/') + 1)
                    + " is committed at site " + site.name() + " but not acknowledged: no other site is reachable to"
                    + " keep a copy of it; it will be copied when one is"));
        }
        // Bounded so that the user hears back within a few copy timeouts, not one per site.
        return copyToFirstOf(
                key, candidates.subList(0, Math.min(COPY_ATTEMPTS, candidates.size())), 0, new ArrayList<>());
    }

    private CompletableFuture<Void> copyToFirstOf(
            String key, List<String> candidates, int next, List<String> failures) {
        if (next == candidates.size()) {
            return CompletableFuture.failedFuture(new NoBuddyException("environment "
                    + key.substring(key.indexOf('/') + 1)
                    + " is committed at site " + site.name() + " but not acknowledged: no buddy site stored its copy ("
                    + String.join("; ", failures) + "); it will be copied when one does"));
        }
        EnvironmentCopy copy = currentCopies(Set.of(key)).get(key);
        // Forgotten meanwhile (a delete that had nothing to stop): there is nothing left to lose.
        if (copy == null) return CompletableFuture.completedFuture(null);
        String buddy = candidates.get(next);
        String flight = buddy + "|copy|" + key + "|ack";
        inFlight.add(flight);
        return sendCopy(buddy, copy)
                .handleAsync(
                        (v, e) -> {
                            inFlight.remove(flight);
                            if (e == null) return CompletableFuture.<Void>completedFuture(null);
                            failures.add(buddy + ": " + rootMessage(e));
                            return copyToFirstOf(key, candidates, next + 1, failures);
                        },
                        loop)
                .thenCompose(java.util.function.Function.identity());
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = dev.atoll.wire.Failures.rootCause(e);
        return cause instanceof java.util.concurrent.TimeoutException
                ? "no answer in " + COPY_TIMEOUT.toSeconds() + " s"
                : String.valueOf(cause.getMessage());
    }

    /**
     * Fails after {@code timeout} on this site's loop. Not {@code orTimeout}: that counts on a JDK
     * thread in real time, which a simulated site (virtual time on one thread) must not.
     */
    private <T> CompletableFuture<T> timeoutOnLoop(Duration timeout) {
        CompletableFuture<T> timer = new CompletableFuture<>();
        try {
            loop.schedule(
                    () -> timer.completeExceptionally(
                            new java.util.concurrent.TimeoutException("no answer in " + timeout.toMillis() + " ms")),
                    timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            timer.completeExceptionally(e);
        }
        return timer;
    }

    /** Sends one copy; on the loop, records it as acknowledged or learns this home was superseded. */
    private CompletableFuture<Void> sendCopy(String buddy, EnvironmentCopy copy) {
        return federation
                .storeCopy(buddy, copy)
                .applyToEither(timeoutOnLoop(COPY_TIMEOUT), x -> x)
                .thenApplyAsync(
                        standing -> {
                            if (standing != null && standing.outranks(copy.claim())) {
                                superseded(
                                        copy.environment().spec().tenant(),
                                        copy.environment().spec().name(),
                                        standing);
                                throw new IllegalStateException("the environment is homed at " + standing.describe());
                            }
                            ackedCopies
                                    .computeIfAbsent(buddy, b -> new HashMap<>())
                                    .put(copy.key(), copy.content());
                            return null;
                        },
                        loop);
    }

    /** Another site homes the environment under a stronger claim: forget it here, stop nothing. */
    private void superseded(String tenant, String name, HomeClaim standing) {
        submit(new SiteCommand.ClaimHome(tenant, name, standing, site.name()));
    }

    /** A copy of every environment homed here, stamped with the commit index it was read at. */
    private Map<String, EnvironmentCopy> currentCopies() {
        return currentCopies(null);
    }

    /** Copies of the environments of {@code keys} that are homed here (of all of them when null). */
    private Map<String, EnvironmentCopy> currentCopies(Set<String> keys) {
        return ((SiteStateMachine) raft.leaderMachine()).readAt((state, index) -> {
            Map<String, EnvironmentCopy> copies = new HashMap<>();
            Iterable<HomedEnvironment> homed = state.environments().values();
            if (keys != null) {
                List<HomedEnvironment> some = new ArrayList<>();
                for (String key : keys) {
                    HomedEnvironment env = state.environments().get(key);
                    if (env != null) some.add(env);
                }
                homed = some;
            }
            for (HomedEnvironment env : homed) {
                copies.put(
                        env.key(),
                        new EnvironmentCopy(
                                site.name(),
                                env,
                                Map.copyOf(state.placementsOf(env)),
                                Map.copyOf(state.unplaceableOf(env)),
                                index));
            }
            return copies;
        });
    }

    /**
     * Keeps each buddy's copies equal to what this home holds: sends the changed ones (placements
     * change with every re-placement), and drops copies of forgotten environments and copies kept
     * at sites that are no longer buddies once the buddies are up to date.
     */
    private void syncCopies(Set<String> dead, Set<String> changed) {
        Federation f = federation;
        List<String> sites = f.siteNames();
        // Looked at in full when anything may have moved (the sites, the dead, a failed send),
        // otherwise only the environments that changed since the last tick.
        boolean full = changed == null || inventoryToRetry || !sites.equals(lastCopySites);
        if (!full && changed.isEmpty() && copiesToRetry.isEmpty()) return;
        inventoryToRetry = false;
        lastCopySites = sites;
        Set<String> keys = null;
        if (!full) {
            keys = new HashSet<>(changed);
            keys.addAll(copiesToRetry);
        }
        copiesToRetry.clear();
        Map<String, EnvironmentCopy> current = currentCopies(keys);
        inventoried.removeAll(dead);
        for (String other : full ? sites : List.<String>of()) {
            if (other.equals(site.name()) || dead.contains(other) || inventoried.contains(other)) continue;
            String flight = other + "|inventory";
            if (!inFlight.add(flight)) continue;
            f.copiesHeld(other, site.name())
                    .whenCompleteAsync(
                            (held, e) -> {
                                inFlight.remove(flight);
                                if (e == null) {
                                    forgetUnhomed(other, held);
                                    inventoried.add(other);
                                } else {
                                    inventoryToRetry = true;
                                }
                            },
                            loop);
        }
        List<String> buddies = Buddies.of(site.name(), sites, dead);
        for (String buddy : buddies) {
            Map<String, EnvironmentCopy> acked = ackedCopies.getOrDefault(buddy, Map.of());
            for (EnvironmentCopy copy : current.values()) {
                if (copy.content().equals(acked.get(copy.key()))) continue;
                String flight = buddy + "|copy|" + copy.key();
                if (inFlight.contains(site.name() + "|forget|" + copy.key()) || !inFlight.add(flight)) {
                    copiesToRetry.add(copy.key());
                    continue;
                }
                // Looked at again once answered: sent again if it failed or changed meanwhile, and
                // copies at former buddies can go once this one is acknowledged.
                sendCopy(buddy, copy)
                        .whenCompleteAsync(
                                (v, e) -> {
                                    inFlight.remove(flight);
                                    copiesToRetry.add(copy.key());
                                },
                                loop);
            }
        }
        for (var entry : List.copyOf(ackedCopies.entrySet())) {
            String holder = entry.getKey();
            if (dead.contains(holder)) continue;
            List<EnvironmentCopy> heldThere = new ArrayList<>();
            if (keys == null) {
                heldThere.addAll(entry.getValue().values());
            } else {
                for (String key : keys) {
                    EnvironmentCopy held = entry.getValue().get(key);
                    if (held != null) heldThere.add(held);
                }
            }
            for (EnvironmentCopy held : heldThere) {
                EnvironmentCopy now = current.get(held.key());
                boolean unwanted = now == null
                        || (!buddies.contains(holder)
                                && buddies.stream().allMatch(b -> now.content()
                                        .equals(ackedCopies
                                                .getOrDefault(b, Map.of())
                                                .get(held.key()))));
                String flight = holder + "|forget|" + held.key();
                if (!unwanted) continue;
                if (!inFlight.add(flight)) {
                    copiesToRetry.add(held.key());
                    continue;
                }
                var spec = held.environment().spec();
                f.forgetCopy(holder, spec.tenant(), spec.name(), held.claim())
                        .whenCompleteAsync(
                                (v, e) -> {
                                    inFlight.remove(flight);
                                    if (e != null) copiesToRetry.add(held.key());
                                    if (e == null)
                                        ackedCopies
                                                .getOrDefault(holder, new HashMap<>())
                                                .remove(held.key(), held);
                                },
                                loop);
            }
        }
    }

    /**
     * Drops the copies {@code holder} keeps of environments no longer homed here (forgotten while
     * this leader did not know the holder had a copy). A copy is sent only after its environment is
     * committed here, so one listed but not homed here any more was forgotten or superseded.
     */
    private void forgetUnhomed(String holder, Map<String, HomeClaim> held) {
        Set<String> homed = read(state -> Set.copyOf(state.environments().keySet()));
        held.forEach((key, claim) -> {
            if (homed.contains(key)) return;
            String tenant = key.substring(0, key.indexOf('/'));
            federation.forgetCopy(holder, tenant, key.substring(key.indexOf('/') + 1), claim);
        });
    }

    /**
     * An adopted environment's claim goes to every live site, this one included: their replicas of it
     * answer to this home from then on, and an old home that comes back learns it was superseded.
     */
    private void spreadClaims(Set<String> dead) {
        Federation f = federation;
        // Which environments were adopted changes only with what this site holds: walking every
        // environment homed here at almost every tick was 3.5% of edge-1000's ramp.
        var machine = (SiteStateMachine) raft.leaderMachine();
        long held = machine.heldChanges();
        if (adopted == null || adopted.machine() != machine || adopted.heldChanges() != held) {
            var claims = machine.read(state -> {
                Map<String, HomeClaim> byKey = new HashMap<>();
                for (HomedEnvironment env : state.environments().values()) {
                    if (env.homeEpoch() > 1) byKey.put(env.key(), env.claimAs(site.name()));
                }
                return byKey;
            });
            adopted = new AdoptedLook(machine, held, claims);
            claimedAt.keySet().retainAll(claims.keySet());
        }
        if (adopted.claims().isEmpty()) return;
        List<String> sites = f.siteNames();
        boolean sitesChanged = !sites.equals(claimSites);
        claimSites = sites;
        Map<String, List<EnvironmentClaim>> batches = new java.util.LinkedHashMap<>();
        adopted.claims().forEach((key, claim) -> {
            var spread = claimedAt.get(key);
            if (spread == null || !spread.claim.equals(claim)) {
                spread = new ClaimSpread(claim);
                claimedAt.put(key, spread);
                spread.listAgain(sites);
            } else if (sitesChanged) {
                spread.listAgain(sites);
            }
            String tenant = key.substring(0, key.indexOf('/'));
            String name = key.substring(key.indexOf('/') + 1);
            // Only the sites yet to accept, in the order of the list of sites: once every live site
            // accepted, a home's adopted environments cost nothing here (they walked a thousand
            // sites each, at almost every tick, after a site crash).
            for (String target : spread.toHear) {
                if (dead.contains(target) || inFlight.contains(target + CLAIMS_FLIGHT)) continue;
                List<EnvironmentClaim> batch = batches.computeIfAbsent(target, t -> new ArrayList<>());
                if (batch.size() < MAX_CLAIMS_PER_CALL) batch.add(new EnvironmentClaim(tenant, name, claim));
            }
        });
        // One call per site for all the claims it has yet to hear, and one at a time: a home that
        // adopted a partitioned region's environments made a Raft commit at every other site per
        // environment (millions in edge-1000), and the snapshots they brought on filled the heap.
        batches.forEach((target, batch) -> {
            String flight = target + CLAIMS_FLIGHT;
            inFlight.add(flight);
            f.claimHomes(target, batch)
                    .whenCompleteAsync(
                            (standings, e) -> {
                                inFlight.remove(flight);
                                if (e != null) return;
                                for (int i = 0; i < batch.size(); i++) heard(target, batch.get(i), standings.get(i));
                            },
                            loop);
        });
    }

    /** What {@link #spreadClaims} read of the adopted environments: see {@link OrphanLook} for the same idea. */
    private record AdoptedLook(SiteStateMachine machine, long heldChanges, Map<String, HomeClaim> claims) {}

    private static final String CLAIMS_FLIGHT = "|claims";
    /** Bounds one call's body; the rest go in the next call, once this one is answered. */
    private static final int MAX_CLAIMS_PER_CALL = 500;

    /** {@code target} answered {@code standing} to {@code sent}. */
    private void heard(String target, EnvironmentClaim sent, HomeClaim standing) {
        if (standing.outranks(sent.claim())) {
            superseded(sent.tenant(), sent.environment(), standing);
            return;
        }
        var spread = claimedAt.get(SiteState.environmentKey(sent.tenant(), sent.environment()));
        if (standing.equals(sent.claim()) && spread != null && spread.claim.equals(sent.claim()))
            spread.accepted(target);
    }

    /** A claim this home spreads: which sites accepted it and which, of the sites listed, have not. */
    private static final class ClaimSpread {
        final HomeClaim claim;
        private final Set<String> accepted = new HashSet<>();
        /** In the order of the list of sites. */
        final Set<String> toHear = new java.util.LinkedHashSet<>();

        ClaimSpread(HomeClaim claim) {
            this.claim = claim;
        }

        void listAgain(List<String> sites) {
            toHear.clear();
            for (String site : sites) if (!accepted.contains(site)) toHear.add(site);
        }

        void accepted(String site) {
            accepted.add(site);
            toHear.remove(site);
        }
    }

    /** Takes over the copies whose home died, when this site is the buddy that should (see {@link Adoption}). */
    private void adoptOrphans(Set<String> dead) {
        var now = clock.instant();
        deadSince.keySet().retainAll(dead);
        dead.forEach(d -> deadSince.putIfAbsent(d, now));
        List<String> sites = federation.siteNames();
        var machine = (SiteStateMachine) raft.leaderMachine();
        long held = machine.heldChanges();
        // Which copies to adopt changes only with what this site holds, the sites it knows, which of
        // them are dead and a dead home's grace running out; and an adoption that ended, taken or
        // not, is looked at again. Looking at every copy at every tick while one site of a thousand
        // was down was half of all the work of every site.
        if (!adoptionEnded
                && lastOrphanLook != null
                && lastOrphanLook.sameInputs(machine, held, sites, deadSince)
                && !graceEnded(lastOrphanLook.at(), now)) return;
        adoptionEnded = false;
        Map<String, Instant> since = Map.copyOf(deadSince);
        lastOrphanLook = new OrphanLook(machine, held, sites, since, now);
        List<EnvironmentCopy> orphans = read(state -> Adoption.toAdopt(
                site.name(),
                List.copyOf(state.copies().values()),
                Set.copyOf(state.environments().keySet()),
                sites,
                since,
                now));
        for (EnvironmentCopy orphan : orphans) {
            String flight = site.name() + "|adopt|" + orphan.key();
            if (!inFlight.add(flight)) continue;
            var spec = orphan.environment().spec();
            submit(new SiteCommand.AdoptEnvironment(spec.tenant(), spec.name(), site.name(), now))
                    .whenCompleteAsync(
                            (a, e) -> {
                                inFlight.remove(flight);
                                adoptionEnded = true;
                            },
                            loop);
        }
    }

    /** Whether a dead home's grace ran out after {@code since}, up to {@code now}. */
    private boolean graceEnded(Instant since, Instant now) {
        for (Instant down : deadSince.values()) {
            Instant graceEnds = down.plus(Adoption.GRACE);
            if (graceEnds.isAfter(since) && !graceEnds.isAfter(now)) return true;
        }
        return false;
    }

    /** What the last look for orphans to adopt saw: see {@link #adoptOrphans}. */
    private record OrphanLook(
            SiteStateMachine machine,
            long heldChanges,
            List<String> sites,
            Map<String, Instant> deadSince,
            Instant at) {
        boolean sameInputs(
                SiteStateMachine machine, long heldChanges, List<String> sites, Map<String, Instant> deadSince) {
            return this.machine == machine
                    && this.heldChanges == heldChanges
                    && this.sites.equals(sites)
                    && this.deadSince.equals(deadSince);
        }
    }

    private void tick() {
        try {
            ticks++;
            var touched = ((SiteStateMachine) raft.leaderMachine()).drainTouched();
            judgeNodes();
            var dead = federation.deadSites();
            boolean deadChanged = !dead.equals(lastDead);
            if (deadChanged) {
                for (String lost : dead) {
                    if (!lastDead.contains(lost)) {
                        metrics.detected(site.name(), dev.atoll.control.metrics.ControlMetrics.Detection.SITE_LOST);
                    }
                }
            }
            lastDead = dead;
            // Everything is looked at again when the state was replaced, the dead sites changed, and
            // every 10 s as a safety net under the change tracking.
            boolean everything = touched.everything() || deadChanged || ticks % DECIDE_ALL_EVERY_TICKS == 0;
            Set<String> changed = touched.environments();
            if (everything) decideAll = true;
            else toDecide.addAll(changed);

            // What this site tells homes is worked out again from every replica less often: once a
            // minute, just before the report of everything that mends what a home may have missed.
            // It follows the same commands as the change tracking; every 10 s it was a tenth of a
            // full edge cloud's steady work.
            boolean reportsInFull = touched.everything() || deadChanged || ticks % REPORT_EVERYTHING_EVERY_TICKS == 0;
            reportReplicas(reportsInFull ? null : changed, touched.everything(), dead);
            if (!dead.isEmpty() || !deadSince.isEmpty()) adoptOrphans(dead);
            if (everything || !changed.isEmpty() || ticks % UNPLACEABLE_EVERY_TICKS == 0) spreadClaims(dead);
            syncCopies(dead, everything ? null : changed);
            if (!surveyed) surveyEverySite(dead);
            if (deadChanged) {
                // What a dead site last said is no longer news; it reports again when it is back.
                for (String target : dead) forgetObserved(target);
            }
            if (ticks % DIRECTORY_EVERY_TICKS == 0) {
                // Sites without members are asked a third as often (less in a cloud of hundreds of
                // sites: every 5 s with 1,000): a site that gains one is heard within a second or so.
                int everyoneEvery = DIRECTORY_EVERY_TICKS
                        * Math.max(3, federation.siteNames().size() / 60);
                directory.refresh(federation, dead, ticks % everyoneEvery == 0);
            }
            decide(dead, everything || !changed.isEmpty());
        } catch (RuntimeException e) {
            log.warn("site {}: reconcile failed; will retry", site.name(), e);
        }
    }

    /** The home's decisions for the environments whose inputs changed, and their execution. */
    private void decide(Set<String> dead, boolean stateChanged) {
        var now = clock.instant();
        List<dev.atoll.control.home.StrayReplicas.Step> strays = new ArrayList<>();
        List<dev.atoll.control.home.MoveDecider.Step> moveSteps = new ArrayList<>();
        List<SiteState.ReplicaPlacement> drainMoves = new ArrayList<>();
        List<HomeAction> actions = read(state -> {
            List<HomeAction> all = new ArrayList<>();
            // A replica that lost an address clash is placed again, as one that vanished is.
            Set<String> placeAgain = new HashSet<>(vanished());
            long directoryVersion = directory.version();
            if (stateChanged || directoryVersion != conflictsAtDirectoryVersion) {
                // Clashes can only appear with new placements or new members, and only with members.
                var members = directory.members();
                addressLosers = members.isEmpty()
                        ? Set.of()
                        : AddressConflicts.losers(state.placements().values(), members);
                conflictsAtDirectoryVersion = directoryVersion;
            }
            placeAgain.addAll(addressLosers);
            if (!placeAgain.equals(lastPlaceAgain)) {
                Set<String> flipped = new HashSet<>(placeAgain);
                flipped.addAll(lastPlaceAgain);
                flipped.removeIf(k -> placeAgain.contains(k) && lastPlaceAgain.contains(k));
                flipped.forEach(k -> toDecide.add(environmentOfInstance(k)));
                lastPlaceAgain = placeAgain;
            }
            // Kept up to date as reports arrive (see observe); read-only views, used on the loop only.
            var observed = new dev.atoll.control.home.Observed(observedSorted, dead, placeAgain, observedIndexView);
            if (stateChanged || strayCheckedVersion != observedVersion) {
                strays.addAll(dev.atoll.control.home.StrayReplicas.decide(
                        site.name(), observed, state.environments(), state.deletedHere(), state.homeClaims()));
                strayCheckedVersion = observedVersion;
            }
            if (ticks % UNPLACEABLE_EVERY_TICKS == 0) {
                // Unplaceable replicas are tried again after a while: time, not a change, is their input.
                for (String key : state.unplaceable().keySet()) toDecide.add(environmentOfInstance(key));
            }
            Iterable<HomedEnvironment> candidates;
            if (decideAll) {
                candidates = state.environments().values();
            } else {
                List<HomedEnvironment> some = new ArrayList<>();
                for (String key : new java.util.TreeSet<>(toDecide)) {
                    HomedEnvironment env = state.environments().get(key);
                    if (env != null) some.add(env);
                }
                candidates = some;
            }
            decideAll = false;
            toDecide.clear();
            for (HomedEnvironment env : candidates) {
                Set<String> busyHere = busyOf(env.key() + ".");
                var moves = SiteState.ofEnvironment(state.moves(), env.key());
                Set<String> notToTouch = busyHere;
                if (!moves.isEmpty()) {
                    // A moving replica's two copies are the move's to keep or stop, not the reconciler's.
                    notToTouch = new HashSet<>(busyHere);
                    notToTouch.addAll(moves.keySet());
                    var steps = dev.atoll.control.home.MoveDecider.decide(
                            env, moves, state.placementsOf(env), observed, busyHere, now);
                    moveSteps.addAll(steps);
                    // Looked at again until the move ends: a new copy's start is not always news.
                    toDecide.add(env.key());
                }
                for (var p : dev.atoll.control.home.MoveDecider.drained(
                        state.placementsOf(env), moves, observed, busyHere)) {
                    drainMoves.add(p);
                }
                List<HomeAction> decided = EnvironmentReconciler.decide(
                        env, state.placementsOf(env), state.unplaceableOf(env), observed, notToTouch, now);
                // An environment with something left to do is looked at again next tick: an action
                // may have been skipped (a flight under way) and must be tried again.
                if (!decided.isEmpty()) toDecide.add(env.key());
                all.addAll(decided);
            }
            return all;
        });
        strays.forEach(this::carryOut);
        moveSteps.forEach(this::carryOut);
        drainMoves.forEach(this::moveOffDrainingNode);
        // Replicas of one service are placed one after the other, so that each choice sees the
        // ones before it (spread and anti-affinity count committed placements).
        Map<String, CompletableFuture<Void>> chains = new HashMap<>();
        for (HomeAction action : actions) {
            if (action instanceof HomeAction.Place p) {
                markBusy(p.id().key());
                String service = p.id().tenant() + "/" + p.id().environment() + "." + p.id().service();
                var previous = chains.getOrDefault(service, CompletableFuture.completedFuture(null));
                chains.put(service, previous.handleAsync((v, e) -> null, loop).thenCompose(v -> placeTracked(p)));
            } else {
                carryOut(action);
            }
        }
    }

    /** The environment key (tenant/name) of an instance key (tenant/name.service.index). */
    private static String environmentOfInstance(String instanceKey) {
        int dot = instanceKey.indexOf('.', instanceKey.indexOf('/'));
        return dot < 0 ? instanceKey : instanceKey.substring(0, dot);
    }

    private void markBusy(String instanceKey) {
        busy.add(instanceKey);
        toDecide.add(environmentOfInstance(instanceKey));
    }

    private void unmarkBusy(String instanceKey) {
        busy.remove(instanceKey);
        toDecide.add(environmentOfInstance(instanceKey));
    }

    // --- target role: reports to homes -------------------------------------------------------

    /**
     * Sends each home what this site runs for it, when that changed ({@code changed} environments,
     * or all of them when null), when the home is back from the dead, and every 5 s regardless.
     * A home learns of its replicas' states this way instead of asking every site ten times a
     * second, which in a cloud of a thousand sites is most of the traffic.
     */
    private void reportReplicas(Set<String> changed, boolean stateReplaced, Set<String> dead) {
        if (changed == null) {
            if (stateReplaced) {
                // A new leader, or a restored snapshot: what was reported before counts for nothing.
                reportsByHome.keySet().forEach(homesToReport::add);
                reportsByHome.clear();
                outboxes.clear();
                var now = clock.instant();
                reportStream = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                reportedHomesOf.clear();
                environmentsWithMembers.clear();
            }
            ((SiteStateMachine) raft.leaderMachine()).readAt((state, index) -> {
                Set<String> all = new java.util.TreeSet<>(reportedHomesOf.keySet());
                for (PlacedInstance i : state.instances().values()) all.add(environmentOfInstance(i.id().key()));
                all.forEach(key -> refreshReport(state, key, index));
                // It may hold other members than were spread; the safety-net pass every 10 s,
                // which changes nothing, does not make every site ask for them again.
                if (stateReplaced) networkMembersVersion = index;
                return null;
            });
        } else if (!changed.isEmpty()) {
            ((SiteStateMachine) raft.leaderMachine()).readAt((state, index) -> {
                for (String key : new java.util.TreeSet<>(changed)) refreshReport(state, key, index);
                return null;
            });
        }
        for (String home : lastReportedDead) {
            if (!dead.contains(home) && reportsByHome.containsKey(home)) {
                homesToReport.add(home);
                outbox(home).everything = true;
            }
        }
        lastReportedDead = dead;
        if (ticks % REPORT_ALL_EVERY_TICKS == 0) homesToReport.addAll(reportsByHome.keySet());
        // Changes only, as a rule; now and then everything, which mends whatever a home may have
        // made of reports that reached it out of turn.
        if (ticks % REPORT_EVERYTHING_EVERY_TICKS == 0) outboxes.values().forEach(box -> box.everything = true);
        for (String home : List.copyOf(homesToReport)) {
            if (dead.contains(home) || reportsInFlight.contains(home)) continue;
            homesToReport.remove(home);
            var byEnvironment = reportsByHome.get(home);
            Outbox box = outbox(home);
            long number = box.sent + 1;
            ReplicaReport report;
            if (box.everything) {
                var all = new java.util.TreeMap<String, ReplicaStatus>();
                if (byEnvironment != null) byEnvironment.values().forEach(all::putAll);
                report = ReplicaReport.everything(reportStream, number, all);
            } else {
                report = new ReplicaReport(reportStream, number, box.sent, box.changed, List.copyOf(box.gone));
            }
            box.sent = number;
            box.everything = false;
            box.changed = new java.util.TreeMap<>();
            box.gone.clear();
            if (byEnvironment == null || byEnvironment.isEmpty()) {
                // The last report to this home: a later replica for it starts over with everything.
                reportsByHome.remove(home);
                outboxes.remove(home);
            }
            reportsInFlight.add(home);
            federation
                    .reportReplicas(home, site.name(), report)
                    .whenCompleteAsync(
                            (receipt, e) -> {
                                reportsInFlight.remove(home);
                                // Lost, or not following what the home took: everything, next tick. A
                                // home that stays unreachable is dead soon.
                                if (e != null || receipt == ReplicaReport.Receipt.SEND_EVERYTHING) {
                                    var unsent = outboxes.get(home);
                                    if (unsent != null) unsent.everything = true;
                                    if (reportsByHome.containsKey(home)) homesToReport.add(home);
                                }
                            },
                            loop);
        }
    }

    /** What the next report to one home carries (the target role, on the loop only). */
    private static final class Outbox {
        /** The number of the last report sent; the next one follows it. */
        long sent;
        /** Whether the next report must carry everything (the first, or after one was lost). */
        boolean everything = true;

        java.util.TreeMap<String, ReplicaStatus> changed = new java.util.TreeMap<>();
        final Set<String> gone = new java.util.TreeSet<>();

        /** One environment's replicas for this home went from {@code before} to {@code after}. */
        void changes(Map<String, ReplicaStatus> before, Map<String, ReplicaStatus> after) {
            for (var e : after.entrySet()) {
                if (before != null && e.getValue().equals(before.get(e.getKey()))) continue;
                changed.put(e.getKey(), e.getValue());
                gone.remove(e.getKey());
            }
            if (before == null) return;
            for (String key : before.keySet()) {
                if (after.containsKey(key)) continue;
                changed.remove(key);
                gone.add(key);
            }
        }
    }

    private Outbox outbox(String home) {
        return outboxes.computeIfAbsent(home, h -> new Outbox());
    }

    private Set<String> lastReportedDead = Set.of();

    /** Environments with replicas here that are network members (see {@link #networkMembers}). */
    private final Set<String> environmentsWithMembers = new HashSet<>();

    private volatile long networkMembersVersion;

    /**
     * The commit index at which this site's {@link #networkMembers} last changed (or may have):
     * gossiped, so that other sites ask for the members only when there is something new.
     */
    public long networkMembersVersion() {
        return networkMembersVersion;
    }

    /** Works out again what one environment's replicas here tell their homes (and whether it has members). */
    private void refreshReport(SiteState state, String environmentKey, long index) {
        String prefix = environmentKey + ".";
        Map<String, Map<String, ReplicaStatus>> byHome = new HashMap<>();
        boolean members = false;
        for (PlacedInstance i :
                state.instances().subMap(prefix, prefix + Character.MAX_VALUE).values()) {
            byHome.computeIfAbsent(state.homeOf(i), h -> new java.util.TreeMap<>())
                    .put(i.id().key(), statusOf(state, i));
            members |= isNetworkMember(i);
        }
        boolean had =
                members ? !environmentsWithMembers.add(environmentKey) : environmentsWithMembers.remove(environmentKey);
        boolean changedHere = false;
        Set<String> before = reportedHomesOf.getOrDefault(environmentKey, Set.of());
        for (String home : before) {
            if (byHome.containsKey(home)) continue;
            var reports = reportsByHome.get(home);
            var removed = reports == null ? null : reports.remove(environmentKey);
            if (removed != null) {
                homesToReport.add(home);
                outbox(home).changes(removed, Map.of());
                changedHere = true;
            }
        }
        for (var entry : byHome.entrySet()) {
            var reports = reportsByHome.computeIfAbsent(entry.getKey(), h -> new HashMap<>());
            var reportedBefore = reports.put(environmentKey, entry.getValue());
            if (!entry.getValue().equals(reportedBefore)) {
                homesToReport.add(entry.getKey());
                outbox(entry.getKey()).changes(reportedBefore, entry.getValue());
                changedHere = true;
            }
        }
        // The members changed if the environment has some (or had) and its replicas changed.
        if ((members || had) && (changedHere || members != had)) networkMembersVersion = index;
        if (byHome.isEmpty()) reportedHomesOf.remove(environmentKey);
        else reportedHomesOf.put(environmentKey, Set.copyOf(byHome.keySet()));
    }

    private static ReplicaStatus statusOf(SiteState state, PlacedInstance i) {
        return new ReplicaStatus(
                i.id(),
                i.generation(),
                i.node(),
                i.state(),
                state.downNodes().contains(i.node()),
                i.ports(),
                i.pid(),
                i.startedAt(),
                i.restarts(),
                i.message(),
                !state.drainingNodes().isEmpty() && state.drainingNodes().contains(i.node()));
    }

    // --- home role: what targets report ------------------------------------------------------

    /**
     * A target site's report of the replicas it runs for this home. Changes are taken only when
     * they follow the last report taken from that target; otherwise the target is asked for
     * everything. Decided here, on the caller's thread, so the answer goes back with the call; the
     * report itself is looked at on the loop, in the order taken.
     */
    public ReplicaReport.Receipt handleReplicaReport(String fromSite, ReplicaReport report) {
        return reportCursors.take(fromSite, report, () -> loop.execute(() -> observe(fromSite, report)));
    }

    private final ReportCursors reportCursors = new ReportCursors();

    private void observe(String target, ReplicaReport report) {
        if (report.full()) {
            observeEverything(target, report.changed());
            return;
        }
        var view = observedBySite.get(target);
        if (view == null) {
            // Forgotten (the target was given up for dead) after this report was taken: its next
            // report of changes follows nothing here.
            reportCursors.forget(target);
            return;
        }
        Set<String> environments = new HashSet<>();
        Set<String> keys = new HashSet<>(report.changed().keySet());
        for (var e : report.changed().entrySet()) {
            if (!e.getValue().equals(view.put(e.getKey(), e.getValue())))
                observeReplica(target, e.getKey(), e.getValue(), environments);
        }
        for (String key : report.gone()) {
            keys.add(key);
            if (view.remove(key) != null) observeReplica(target, key, null, environments);
        }
        if (!environments.isEmpty()) {
            observedVersion++;
            environments.forEach(this::reindex);
            toDecide.addAll(environments);
        }
        countAbsences(target, view, keys);
    }

    /**
     * Everything a target runs for this home, from a full report or from asking it: replaces what
     * was known of it. Kept in a concurrent map because reports of changes edit it in place while
     * readers of the API copy it.
     */
    private void observeEverything(String target, Map<String, ReplicaStatus> replicas) {
        var sorted = new java.util.concurrent.ConcurrentSkipListMap<String, ReplicaStatus>(replicas);
        var previous = observedBySite.put(target, sorted);
        java.util.SortedMap<String, ReplicaStatus> before =
                previous == null ? java.util.Collections.emptySortedMap() : previous;
        // One walk over both in key order finds what the target added, changed or dropped (a report
        // of a busy pair holds thousands of replicas; most of them the same as last time).
        Set<String> environments = new HashSet<>();
        var was = before.entrySet().iterator();
        var is = sorted.entrySet().iterator();
        Map.Entry<String, ReplicaStatus> old = was.hasNext() ? was.next() : null;
        Map.Entry<String, ReplicaStatus> now = is.hasNext() ? is.next() : null;
        while (old != null || now != null) {
            int order = old == null ? 1 : now == null ? -1 : old.getKey().compareTo(now.getKey());
            if (order == 0) {
                if (!old.getValue().equals(now.getValue()))
                    observeReplica(target, now.getKey(), now.getValue(), environments);
                old = was.hasNext() ? was.next() : null;
                now = is.hasNext() ? is.next() : null;
            } else if (order < 0) {
                observeReplica(target, old.getKey(), null, environments);
                old = was.hasNext() ? was.next() : null;
            } else {
                observeReplica(target, now.getKey(), now.getValue(), environments);
                now = is.hasNext() ? is.next() : null;
            }
        }
        // The tree the reconciler reads holds the same map that reports of changes edit.
        observedTree.put(target, sorted);
        if (previous == null || !environments.isEmpty()) {
            observedVersion++;
            environments.forEach(this::reindex);
            toDecide.addAll(environments);
        }
        countAbsences(target, sorted, null);
    }

    /** What {@code site} last reported of the replica {@code key}; null when nothing. */
    private ReplicaStatus observedAt(String site, String key) {
        var view = observedBySite.get(site);
        return view == null ? null : view.get(key);
    }

    /** One replica a target reports differently (null: no longer), into the index by environment. */
    private void observeReplica(String target, String key, ReplicaStatus status, Set<String> environments) {
        String environment = environmentOfInstance(key);
        environments.add(environment);
        var bySiteAndKey = observedByEnvironment.computeIfAbsent(environment, e -> new java.util.TreeMap<>());
        if (status == null) bySiteAndKey.remove(target + "\0" + key);
        else bySiteAndKey.put(target + "\0" + key, new dev.atoll.control.home.Observed.ReplicaAt(target, status));
    }

    /** What a site no longer reports (it is dead, or gone) leaves the observed replicas. */
    private void forgetObserved(String target) {
        reportCursors.forget(target);
        var previous = observedBySite.remove(target);
        if (previous == null) return;
        observedVersion++;
        observedTree.remove(target);
        Set<String> environments = new HashSet<>();
        for (String key : previous.keySet()) {
            String environment = environmentOfInstance(key);
            environments.add(environment);
            var bySiteAndKey = observedByEnvironment.get(environment);
            if (bySiteAndKey != null) bySiteAndKey.remove(target + "\0" + key);
        }
        environments.forEach(this::reindex);
        toDecide.addAll(environments);
    }

    private void reindex(String environment) {
        var bySiteAndKey = observedByEnvironment.get(environment);
        if (bySiteAndKey == null || bySiteAndKey.isEmpty()) {
            observedByEnvironment.remove(environment);
            observedIndex.remove(environment);
        } else {
            observedIndex.put(environment, List.copyOf(bySiteAndKey.values()));
        }
    }

    /**
     * Asks every live site once what it runs for this home: a new leader learns at once instead of
     * waiting for reports, including of stale copies at sites where it placed nothing.
     */
    private void surveyEverySite(Set<String> dead) {
        surveyed = true;
        Federation f = federation;
        for (String target : f.siteNames()) {
            if (dead.contains(target)) continue;
            f.replicasOf(target, site.name())
                    .thenAcceptAsync(
                            r -> {
                                // A report taken meanwhile is as new, and the changes that follow it
                                // build on it, not on this answer.
                                if (!reportCursors.tookFrom(target)) observeEverything(target, r);
                            },
                            loop)
                    .exceptionally(e -> null);
        }
    }

    /** Marks nodes down when their agent falls silent, and up again when it is heard. */
    private void judgeNodes() {
        var now = clock.instant();
        List<SiteCommand> changes = read(state -> {
            List<SiteCommand> result = new ArrayList<>();
            Set<String> down = state.downNodes();
            // With none marked down or suspected, only a node falling silent changes anything, and
            // none can before the oldest heartbeat is suspectAfter old: most ticks skip the scan.
            if (down.isEmpty()
                    && state.nodes().size() == quietNodes
                    && nodesQuietUntil != null
                    && now.isBefore(nodesQuietUntil)) {
                return result;
            }
            java.time.Instant oldestHeard = null;
            for (String node : state.nodes().keySet()) {
                var heard = lastHeard(node);
                var health = heard == null ? NodeLiveness.Health.DOWN : liveness.judge(heard, now);
                if (heard != null && (oldestHeard == null || heard.isBefore(oldestHeard))) oldestHeard = heard;
                if (health == NodeLiveness.Health.SUSPECT) {
                    if (suspected.add(node)) {
                        metrics.detected(
                                site.name(), dev.atoll.control.metrics.ControlMetrics.Detection.NODE_SUSPECTED);
                    }
                } else if (!suspected.isEmpty()) {
                    suspected.remove(node);
                }
                // Most ticks of most sites: every node alive, none marked down.
                if (health == NodeLiveness.Health.ALIVE && down.isEmpty()) continue;
                boolean markedDown = down.contains(node);
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
            boolean quiet = result.isEmpty() && down.isEmpty() && suspected.isEmpty() && oldestHeard != null;
            nodesQuietUntil = quiet ? oldestHeard.plus(liveness.suspectAfter()) : null;
            quietNodes = state.nodes().size();
            return result;
        });
        changes.forEach(this::submit);
    }

    private Set<String> busyOf(String prefix) {
        Set<String> result = new HashSet<>();
        for (String key : busy) if (key.startsWith(prefix)) result.add(key);
        return result;
    }

    /**
     * After each answer of a target: which of the replicas this home placed there it does not run
     * (no copy of that generation or newer), and since when. Kept per placement, so a placement
     * recorded while the answer was on its way is not mistaken for a vanished one: the next answer
     * has it. Looks again only at the keys the answer changed ({@code reported}; null: all of
     * them) and at the placements there that changed since; every other key stands as it was.
     */
    private void countAbsences(String target, Map<String, ReplicaStatus> answer, Set<String> reported) {
        var now = clock.instant();
        var machine = (SiteStateMachine) raft.leaderMachine();
        var changed = machine.drainChangedPlacements();
        if (changed.everything()) {
            placementsToCheck.clear();
            placementsCheckedWhole.clear();
        }
        changed.bySite().forEach((site, keys) -> {
            if (placementsCheckedWhole.contains(site))
                placementsToCheck.computeIfAbsent(site, k -> new HashSet<>()).addAll(keys);
        });
        boolean whole = reported == null || !placementsCheckedWhole.contains(target);
        Set<String> placementKeys = placementsToCheck.remove(target);
        var absences = absentSince.computeIfAbsent(target, t -> new HashMap<>());
        machine.read(state -> {
            var placedThere = machine.placementsAt(target);
            if (whole) {
                for (String key : placedThere.keySet()) checkAbsence(key, placedThere, answer, absences, now);
                absences.keySet().removeIf(key -> !placedThere.containsKey(key));
                return null;
            }
            Set<String> keys = new HashSet<>(reported);
            if (placementKeys != null) keys.addAll(placementKeys);
            // Absent before and not looked at again: still absent, as a full pass would find.
            for (String key : absences.keySet()) {
                if (!keys.contains(key)) toDecide.add(environmentOfInstance(key));
            }
            for (String key : keys) {
                if (placedThere.containsKey(key)) checkAbsence(key, placedThere, answer, absences, now);
                else absences.remove(key);
            }
            return null;
        });
        if (whole) placementsCheckedWhole.add(target);
        if (absences.isEmpty()) absentSince.remove(target);
    }

    private void checkAbsence(
            String key,
            java.util.SortedMap<String, SiteState.ReplicaPlacement> placedThere,
            Map<String, ReplicaStatus> answer,
            Map<String, Absence> absences,
            Instant now) {
        long generation = placedThere.get(key).generation();
        ReplicaStatus status = answer.get(key);
        if (status != null && status.generation() >= generation) {
            absences.remove(key);
            return;
        }
        Absence absent = absences.get(key);
        if (absent == null || absent.generation() != generation) {
            absences.put(key, new Absence(generation, now));
        } else {
            toDecide.add(environmentOfInstance(key));
        }
    }

    /**
     * Targets whose every placement was checked against their answers since the placements last
     * changed wholesale (a restore, a new leader); for them only what changed is looked at again.
     */
    private final Set<String> placementsCheckedWhole = new HashSet<>();
    /** Per such target, the instance keys whose placement there changed since its last answer. */
    private final Map<String, Set<String>> placementsToCheck = new HashMap<>();

    /** Since when a placement's site has answered without it (at that generation or newer). */
    private record Absence(long generation, Instant since) {}

    /** Instance keys whose site has answered without them for {@link #VANISHED_AFTER} or longer. */
    private Set<String> vanished() {
        var now = clock.instant();
        Set<String> keys = new HashSet<>();
        absentSince
                .values()
                .forEach(absences -> absences.forEach((key, absent) -> {
                    if (!now.isBefore(absent.since().plus(VANISHED_AFTER))) keys.add(key);
                }));
        return keys;
    }

    private void carryOut(HomeAction action) {
        switch (action) {
            case HomeAction.Place p -> throw new IllegalArgumentException("placements are chained in tick()");
            case HomeAction.Release r -> {
                markBusy(r.id().key());
                // Forgotten even when the site cannot be reached: the copy it may still run is then
                // one without a placement, which the reconciler releases once the site is back.
                federation
                        .release(r.site(), r.id(), r.generation(), claimOf(r.id()))
                        .exceptionally(e -> null)
                        .thenCompose(v -> submit(new SiteCommand.ForgetPlacement(r.id())))
                        .whenCompleteAsync((v, e) -> unmarkBusy(r.id().key()), loop);
            }
            case HomeAction.ReleaseStale r -> {
                markBusy(r.id().key());
                federation
                        .release(r.site(), r.id(), r.generation(), claimOf(r.id()))
                        .whenCompleteAsync((v, e) -> unmarkBusy(r.id().key()), loop);
            }
            case HomeAction.Forget f -> {
                String key = SiteState.environmentKey(f.tenant(), f.name());
                String flight = site.name() + "|forget|" + key;
                // Not while a copy is on its way: it could land after the copies were dropped.
                if (!busyOf(key + ".").isEmpty() || copyUnderWay(key) || !inFlight.add(flight)) return;
                // The copies go first, so that once the environment is deleted here no buddy can
                // adopt it back; a buddy that cannot be reached drops its copy when next listed.
                forgetCopiesOf(key)
                        .thenCompose(v -> submit(new SiteCommand.ForgetEnvironment(f.tenant(), f.name())))
                        .whenCompleteAsync((v, e) -> inFlight.remove(flight), loop);
            }
        }
    }

    private void carryOut(dev.atoll.control.home.StrayReplicas.Step step) {
        Federation f = federation;
        switch (step) {
            case dev.atoll.control.home.StrayReplicas.Release r -> {
                String flight = r.site() + "|stray|" + r.id().key() + "#" + r.generation();
                if (!inFlight.add(flight)) return;
                f.release(r.site(), r.id(), r.generation(), r.by())
                        .whenCompleteAsync((v, e) -> inFlight.remove(flight), loop);
            }
            case dev.atoll.control.home.StrayReplicas.TellHome t -> {
                String flight = t.site() + "|tell|" + t.tenant() + "/" + t.environment();
                if (!inFlight.add(flight)) return;
                f.claimHomes(t.site(), List.of(new EnvironmentClaim(t.tenant(), t.environment(), t.standing())))
                        .whenCompleteAsync((v, e) -> inFlight.remove(flight), loop);
            }
        }
    }

    private boolean copyUnderWay(String key) {
        return inFlight.stream().anyMatch(f -> f.endsWith("|copy|" + key) || f.endsWith("|copy|" + key + "|ack"));
    }

    /** Asks every live site that may keep a copy of the environment (its buddies) to drop it. */
    private CompletableFuture<Void> forgetCopiesOf(String key) {
        Federation f = federation;
        var dead = f.deadSites();
        HomeClaim claim = read(state -> {
            HomedEnvironment env = state.environments().get(key);
            return env == null ? null : env.claimAs(site.name());
        });
        if (claim == null) return CompletableFuture.completedFuture(null);
        Set<String> holders = new HashSet<>(Buddies.of(site.name(), f.siteNames(), dead));
        ackedCopies.forEach((holder, copies) -> {
            if (copies.containsKey(key)) holders.add(holder);
        });
        holders.removeAll(dead);
        String tenant = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        List<CompletableFuture<Void>> forgotten = new ArrayList<>();
        for (String holder : holders) {
            forgotten.add(f.forgetCopy(holder, tenant, name, claim)
                    .applyToEither(timeoutOnLoop(COPY_TIMEOUT), x -> x)
                    .handleAsync(
                            (v, e) -> {
                                if (e == null)
                                    ackedCopies
                                            .getOrDefault(holder, new HashMap<>())
                                            .remove(key);
                                return null;
                            },
                            loop));
        }
        return CompletableFuture.allOf(forgotten.toArray(CompletableFuture[]::new));
    }

    /** The span of one replica's placement, in the trace of the deploy that asked for it (if recent). */
    private dev.atoll.model.trace.Tracing.Span placementSpan(HomeAction.Place p) {
        if (deployTraces.isEmpty()) return dev.atoll.model.trace.Tracing.NONE.start("", null, Map.of());
        var deploy = deployTraces.get(SiteState.environmentKey(p.id().tenant(), p.id().environment()));
        if (deploy == null || deploy.getValue().plus(DEPLOY_TRACE_FOR).isBefore(clock.instant())) {
            return dev.atoll.model.trace.Tracing.NONE.start("", null, Map.of());
        }
        return tracing.start(
                "atoll.place",
                deploy.getKey(),
                Map.of(
                        "atoll.site",
                        site.name(),
                        "atoll.instance",
                        p.id().display(),
                        "atoll.generation",
                        Long.toString(p.generation()),
                        "atoll.tenant",
                        p.id().tenant()));
    }

    private CompletableFuture<Void> placeTracked(HomeAction.Place p) {
        List<String> reserved = new ArrayList<>();
        var span = placementSpan(p);
        return CompletableFuture.<Void>completedFuture(null)
                .thenCompose(v -> {
                    var addresses = allocateAddresses(p, reserved);
                    if (addresses instanceof AddressesFound(var attachments)) {
                        return place(p, new java.util.LinkedHashMap<>(), attachments, askedAt(p), span);
                    }
                    String why = ((AddressesExhausted) addresses).reason();
                    metrics.unplaceable(site.name());
                    return submit(new SiteCommand.RecordUnplaceable(p.id(), why, clock.instant()))
                            .thenApply(a -> (Void) null);
                })
                .whenCompleteAsync(
                        (v, e) -> {
                            if (e != null) {
                                log.warn("site {}: placing {} failed", site.name(), p.id(), e);
                                span.fail(String.valueOf(e.getMessage()));
                            }
                            span.end();
                            unmarkBusy(p.id().key());
                            addressesInFlight.removeAll(reserved);
                        },
                        loop);
    }

    private sealed interface Addresses permits AddressesFound, AddressesExhausted {}

    private record AddressesFound(List<NetworkAttachment> attachments) implements Addresses {}

    private record AddressesExhausted(String reason) implements Addresses {}

    /**
     * An address on each of the replica's networks, fresh for this generation (the one it replaces
     * may still run until the new one is up). Taken are the addresses of every replica this site
     * homes, of every member the directory knows anywhere, and of placements still in flight; the
     * search starts at a point derived from the replica's identity, so two homes placing at the
     * same moment rarely try the same address.
     */
    private Addresses allocateAddresses(HomeAction.Place p, List<String> reserved) {
        List<NetworkAttachment> attachments = new ArrayList<>();
        String tenant = p.id().tenant();
        for (String network : p.service().networks()) {
            NetworkPlan plan = addressing.plan(tenant, network);
            Set<String> used = new HashSet<>(directory.addressesInUse(tenant, network));
            used.addAll(read(state -> addressesPlaced(state, tenant, network)));
            String inFlightPrefix = tenant + "/" + network + "/";
            for (String key : addressesInFlight) {
                if (key.startsWith(inFlightPrefix)) used.add(key.substring(inFlightPrefix.length()));
            }
            var address = AddressAllocator.allocate(plan.subnet(), used, p.id().key() + "#" + p.generation());
            if (address.isEmpty()) {
                return new AddressesExhausted("network " + network + " has no free address left in " + plan.subnet());
            }
            addressesInFlight.add(inFlightPrefix + address.get());
            reserved.add(inFlightPrefix + address.get());
            attachments.add(
                    new NetworkAttachment(network, plan.vni(), plan.subnet().toString(), address.get()));
        }
        return new AddressesFound(attachments);
    }

    /** The addresses on a tenant's network of every replica this site homes. */
    private static Set<String> addressesPlaced(SiteState state, String tenant, String network) {
        Set<String> placed = new HashSet<>();
        for (var placement : state.placements().values()) {
            if (!placement.id().tenant().equals(tenant)) continue;
            for (var a : placement.networks()) if (a.network().equals(network)) placed.add(a.address());
        }
        return placed;
    }

    /**
     * Since when a replica has been wanted, for its placement latency: a new replica since the
     * deploy or scale that asked for it was accepted (its environment's last change), a replica
     * placed again since now, when its home sets out to place it.
     */
    private Instant askedAt(HomeAction.Place p) {
        Instant now = clock.instant();
        // Nothing counts the latency (the simulator): no need to read the state for it.
        if (p.replacing().isPresent() || metrics == dev.atoll.control.metrics.ControlMetrics.NONE) return now;
        Instant updated = read(state -> {
            HomedEnvironment env =
                    state.environments().get(SiteState.environmentKey(p.id().tenant(), p.id().environment()));
            return env == null ? null : env.updatedAt();
        });
        return updated == null || updated.isAfter(now) ? now : updated;
    }

    /**
     * Offers the replica to the best site, then the next, until one accepts or none is left. {@code
     * declined} holds the sites that refused it, with their reasons, which users see when none is left.
     */
    private CompletableFuture<Void> place(
            HomeAction.Place p,
            Map<String, String> declined,
            List<NetworkAttachment> networks,
            Instant asked,
            dev.atoll.model.trace.Tracing.Span span) {
        Set<String> excluded = declined.keySet();
        String target;
        if (p.replacing().isPresent()
                && !excluded.contains(p.replacing().get().site())
                && !federation.deadSites().contains(p.replacing().get().site())) {
            target = p.replacing().get().site();
        } else {
            var latency = federation.latency(LatencyModel.ESTIMATED);
            var request = new SiteRequest(
                    p.service(),
                    federation.summaries(),
                    replicasPerSite(p.id()),
                    p.replicasStillToPlace(),
                    excluded,
                    latency,
                    seed);
            String serviceKey = p.id().tenant() + "/" + p.id().environment() + "." + p.id().service();
            SiteSelector.Memo memo;
            synchronized (placementMemos) {
                // A memo keeps the summaries it saw: kept no longer than those are current, so
                // that a thousand homes do not hold on to a thousand old views of every node.
                if (request.sites() != memosFor) {
                    placementMemos.clear();
                    memosFor = request.sites();
                }
                memo = placementMemos.get(serviceKey);
                if (memo == null || !memo.serves(p.service(), latency)) {
                    memo = new SiteSelector.Memo(p.service(), latency);
                    placementMemos.put(serviceKey, memo);
                }
            }
            SiteDecision decision;
            synchronized (memo) {
                decision = SiteSelector.select(request, memo);
            }
            if (decision instanceof SiteDecision.NoSite(var why)) {
                String reason = why.toString();
                if (!declined.isEmpty()) {
                    var each = new ArrayList<String>();
                    declined.forEach((other, because) -> each.add(other + ": " + because));
                    reason += " (" + String.join("; ", each) + ")";
                }
                metrics.unplaceable(site.name());
                span.fail(reason);
                return submit(new SiteCommand.RecordUnplaceable(p.id(), reason, clock.instant()))
                        .thenApply(a -> null);
            }
            target = ((SiteDecision.Chosen) decision).site();
        }
        HomeClaim claim = claimOf(p.id());
        if (claim == null) return CompletableFuture.completedFuture(null); // forgotten meanwhile
        return federation
                .offer(
                        target,
                        new Offer(
                                p.id(),
                                p.generation(),
                                p.service(),
                                claim,
                                networks,
                                dev.atoll.model.trace.TraceContext.traceparentOf(span.context())))
                .thenComposeAsync(
                        reply -> switch (reply) {
                            case OfferReply.Accepted a -> {
                                offersAccepted.incrementAndGet();
                                metrics.offerAnswered(site.name(), reply.outcome());
                                yield submit(new SiteCommand.RecordPlacement(
                                                p.id(), a.site(), p.generation(), p.templateVersion(), networks))
                                        .thenCompose(applied -> {
                                            metrics.placed(
                                                    site.name(),
                                                    p.replacing().isPresent()
                                                            ? dev.atoll.control.metrics.ControlMetrics.PlacementKind
                                                                    .REPLACE
                                                            : dev.atoll.control.metrics.ControlMetrics.PlacementKind
                                                                    .DEPLOY,
                                                    Duration.between(asked, clock.instant()));
                                            return releaseReplaced(p, a.site());
                                        });
                            }
                            case OfferReply.Rejected r -> {
                                offersRejected.incrementAndGet();
                                metrics.offerAnswered(site.name(), reply.outcome());
                                declined.put(r.site(), r.reason());
                                log.debug("site {}: {} rejected {}: {}", site.name(), r.site(), p.id(), r.reason());
                                yield place(p, declined, networks, asked, span);
                            }
                        },
                        loop);
    }

    /** The sites this site knows alive (by gossip, or in one process by the in-process federation), itself included. */
    public int liveSitesKnown() {
        Federation f = federation;
        if (f == null) return 1;
        Set<String> dead = f.deadSites();
        int alive = 0;
        for (String name : f.siteNames()) if (!dead.contains(name)) alive++;
        return Math.max(alive, 1);
    }

    /** How many replicas run at this site in one state with one driver. */
    public record InstanceCount(String state, String driver, long count) {}

    /** The replicas placed at this site, counted by state and driver (sorted), for the operator. */
    public List<InstanceCount> instanceCounts() {
        Map<String, Long> counts = read(state -> {
            Map<String, Long> byKey = new java.util.TreeMap<>();
            for (PlacedInstance i : state.instances().values()) {
                byKey.merge(i.state().wireName() + "|" + i.service().driver().wireName(), 1L, Long::sum);
            }
            return byKey;
        });
        List<InstanceCount> result = new ArrayList<>();
        counts.forEach((key, n) -> {
            int bar = key.indexOf('|');
            result.add(new InstanceCount(key.substring(0, bar), key.substring(bar + 1), n));
        });
        return result;
    }

    /** Offers this site made as a home that targets accepted, since start. */
    public long offersAccepted() {
        return offersAccepted.get();
    }

    /** Offers this site made as a home that targets rejected (no room, refused claim, no answer). */
    public long offersRejected() {
        return offersRejected.get();
    }

    private CompletableFuture<Void> releaseReplaced(HomeAction.Place p, String newSite) {
        if (p.replacing().isEmpty() || p.replacing().get().site().equals(newSite)) {
            return CompletableFuture.completedFuture(null);
        }
        var old = p.replacing().get();
        // An unreachable old site is fine: the stale copy is released once it is back.
        return federation
                .release(old.site(), p.id(), old.generation(), claimOf(p.id()))
                .exceptionally(e -> null);
    }

    /** This home's claim on the replica's environment; null once it is no longer homed here. */
    private HomeClaim claimOf(InstanceId id) {
        return read(state -> {
            HomedEnvironment env = state.environments().get(SiteState.environmentKey(id.tenant(), id.environment()));
            return env == null ? null : env.claimAs(site.name());
        });
    }

    private Map<String, Integer> replicasPerSite(InstanceId id) {
        // Instance keys are tenant/environment.service.index: one service is a key range.
        String prefix = id.tenant() + "/" + id.environment() + "." + id.service() + ".";
        return read(state -> {
            Map<String, Integer> counts = new HashMap<>();
            for (var placement : state.placements()
                    .subMap(prefix, prefix + Character.MAX_VALUE)
                    .values()) {
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

    // --- moves (home role) -------------------------------------------------------------------

    /**
     * Moves replica {@code id}, homed here, to {@code to} (make before break; see {@link
     * SiteState.MoveUnderWay}): checks the destination, then records the move in the log, which the
     * reconciler carries out from then on (also after a restart or a change of leader). Completes
     * once recorded, with {@link dev.atoll.model.view.MoveOutcome.Started}, or with why not (nothing
     * changed then).
     *
     * @param retarget whether another place may be chosen when the destination refuses the new copy
     */
    public CompletableFuture<dev.atoll.model.view.MoveOutcome> requestMove(
            InstanceId id, dev.atoll.placement.Assignment to, String reason, boolean retarget) {
        return CompletableFuture.supplyAsync(() -> planMove(id, null, to, reason), loop)
                .thenCompose(planned -> startMove(planned, retarget));
    }

    /**
     * Executes a {@link dev.atoll.placement.rebalance.Move} a decider returned (the neighbour
     * scheduler, the background optimizer): the one entry point for moves that are not a user's. The
     * move's {@code from} must be where the replica runs now.
     */
    public CompletableFuture<dev.atoll.model.view.MoveOutcome> requestMove(dev.atoll.placement.rebalance.Move move) {
        return CompletableFuture.supplyAsync(() -> planMove(move.id(), move.from(), move.to(), move.reason()), loop)
                .thenCompose(planned -> startMove(planned, false));
    }

    /** A move checked and ready to record, or why not. */
    private record PlannedMove(
            dev.atoll.placement.rebalance.Move move, long fromGeneration, dev.atoll.model.view.MoveOutcome refused) {}

    private PlannedMove planMove(
            InstanceId id,
            dev.atoll.placement.Assignment expectedFrom,
            dev.atoll.placement.Assignment to,
            String reason) {
        Federation f = federation;
        record Found(
                SiteState.ReplicaPlacement placement,
                dev.atoll.model.spec.ServiceSpec service,
                boolean moving,
                boolean deleting) {}
        Found found = read(state -> {
            HomedEnvironment env = state.environments().get(SiteState.environmentKey(id.tenant(), id.environment()));
            if (env == null) return null;
            var placement = state.placements().get(id.key());
            var service = env.spec().services().get(id.service());
            if (placement == null || service == null) return null;
            return new Found(placement, service, state.moves().containsKey(id.key()), env.deleting());
        });
        if (found == null) {
            return refused(new dev.atoll.model.view.MoveOutcome.NotFound(
                    "instance " + id.display() + " is not placed by site " + site.name()));
        }
        if (found.deleting()) {
            return refused(new dev.atoll.model.view.MoveOutcome.Conflict(
                    "environment " + id.environment() + " is being deleted"));
        }
        if (found.moving()) {
            return refused(
                    new dev.atoll.model.view.MoveOutcome.Conflict("instance " + id.display() + " is already moving"));
        }
        var placement = found.placement();
        ReplicaStatus status = observedAt(placement.site(), id.key());
        String node = status != null && status.generation() == placement.generation() ? status.node() : null;
        var from = new dev.atoll.placement.Assignment(placement.site(), node);
        if (expectedFrom != null
                && (!expectedFrom.site().equals(from.site())
                        || (expectedFrom.node() != null && !expectedFrom.node().equals(from.node())))) {
            return refused(
                    new dev.atoll.model.view.MoveOutcome.Conflict("instance " + id.display() + " runs at " + from.site()
                            + "/" + from.node() + " now, not at " + expectedFrom.site() + "/" + expectedFrom.node()));
        }
        if (node == null && to.site().equals(from.site())) {
            return refused(new dev.atoll.model.view.MoveOutcome.Conflict(
                    "instance " + id.display() + " is not running yet; move it once it runs"));
        }
        var why = dev.atoll.control.home.MoveCheck.check(
                found.service(),
                from,
                to,
                f.summaries(),
                f.deadSites(),
                replicasPerSite(id),
                f.latency(LatencyModel.ESTIMATED),
                seed);
        if (why.isPresent()) return refused(new dev.atoll.model.view.MoveOutcome.Rejected(List.of(why.get())));
        return new PlannedMove(
                new dev.atoll.placement.rebalance.Move(id, from, to, reason), placement.generation(), null);
    }

    private static PlannedMove refused(dev.atoll.model.view.MoveOutcome why) {
        return new PlannedMove(null, 0, why);
    }

    private CompletableFuture<dev.atoll.model.view.MoveOutcome> startMove(PlannedMove planned, boolean retarget) {
        if (planned.refused() != null) return CompletableFuture.completedFuture(planned.refused());
        var move = planned.move();
        return submit(new SiteCommand.StartMove(move, planned.fromGeneration(), retarget, clock.instant()))
                .thenApply(applied -> {
                    if (applied.response() instanceof Applied.MoveRefused(var why)) {
                        return new dev.atoll.model.view.MoveOutcome.Conflict(why);
                    }
                    return new dev.atoll.model.view.MoveOutcome.Started(
                            move.id().display(),
                            move.id().environment(),
                            move.from().site() + "/" + move.from().node(),
                            move.to().node() == null
                                    ? move.to().site()
                                    : move.to().site() + "/" + move.to().node(),
                            move.reason());
                });
    }

    /** Replicas off draining nodes whose move could not start, and when it was last tried (loop only). */
    private final Map<String, Instant> drainRetryAfter = new HashMap<>();

    private static final Duration DRAIN_RETRY = Duration.ofSeconds(2);

    /**
     * A replica on a node its site drains: moved to another node of the same site when one has room
     * (its constraints held there before), else wherever its constraints allow.
     */
    private void moveOffDrainingNode(SiteState.ReplicaPlacement p) {
        String key = p.id().key();
        var now = clock.instant();
        Instant after = drainRetryAfter.get(key);
        if (after != null && now.isBefore(after)) return;
        if (!busy.add(key)) return;
        drainRetryAfter.put(key, now.plus(DRAIN_RETRY));
        ReplicaStatus status = observedAt(p.site(), key);
        String reason = "node " + p.site() + "/" + (status == null ? "?" : status.node()) + " is draining";
        requestMove(p.id(), new dev.atoll.placement.Assignment(p.site(), null), reason, true)
                .thenCompose(outcome -> {
                    if (!(outcome instanceof dev.atoll.model.view.MoveOutcome.Rejected)) {
                        return CompletableFuture.completedFuture(outcome);
                    }
                    // No room in its own site: the best other site its constraints allow.
                    return CompletableFuture.supplyAsync(() -> otherSiteFor(p), loop)
                            .thenCompose(other -> other == null
                                    ? CompletableFuture.completedFuture(outcome)
                                    : requestMove(
                                            p.id(), new dev.atoll.placement.Assignment(other, null), reason, true));
                })
                .whenCompleteAsync(
                        (outcome, e) -> {
                            busy.remove(key);
                            if (outcome instanceof dev.atoll.model.view.MoveOutcome.Started)
                                drainRetryAfter.remove(key);
                            else if (outcome != null)
                                log.info(
                                        "site {}: cannot move {} off its draining node yet: {}",
                                        site.name(),
                                        p.id(),
                                        outcome);
                        },
                        loop);
    }

    private String otherSiteFor(SiteState.ReplicaPlacement p) {
        var service = read(state -> {
            HomedEnvironment env =
                    state.environments().get(SiteState.environmentKey(p.id().tenant(), p.id().environment()));
            return env == null ? null : env.spec().services().get(p.id().service());
        });
        if (service == null) return null;
        var decision = SiteSelector.select(new SiteRequest(
                service,
                federation.summaries(),
                replicasPerSite(p.id()),
                1,
                Set.of(p.site()),
                federation.latency(LatencyModel.ESTIMATED),
                seed));
        return decision instanceof SiteDecision.Chosen c ? c.site() : null;
    }

    private void carryOut(dev.atoll.control.home.MoveDecider.Step step) {
        var m = step.move();
        var id = m.id();
        String key = id.key();
        if (busy.contains(key)) return;
        if (step instanceof dev.atoll.control.home.MoveDecider.SendMemory) {
            sendMemory(m);
            return;
        }
        markBusy(key);
        CompletableFuture<?> done =
                switch (step) {
                    case dev.atoll.control.home.MoveDecider.PlaceCopy c -> placeMoved(m);
                    case dev.atoll.control.home.MoveDecider.SendMemory s -> throw new AssertionError("sent above");
                    case dev.atoll.control.home.MoveDecider.Switch c ->
                        submit(new SiteCommand.SwitchMove(id, m.toGeneration(), clock.instant()));
                    case dev.atoll.control.home.MoveDecider.ReleaseOld c ->
                        federation
                                .release(m.move().from().site(), id, m.fromGeneration(), claimOf(id))
                                .exceptionally(e -> null)
                                .thenCompose(v -> submit(
                                        new SiteCommand.EndMove(id, m.toGeneration(), true, "", clock.instant())));
                    case dev.atoll.control.home.MoveDecider.GiveUp g -> {
                        CompletableFuture<Void> released = m.placedAt() == null
                                ? CompletableFuture.completedFuture(null)
                                // Until the destination released the new copy the move stays (tried again next
                                // tick); a dead destination's copy is stale, released once it is back.
                                : federation
                                        .release(m.placedAt(), id, m.toGeneration(), claimOf(id))
                                        .exceptionally(e -> {
                                            if (federation.deadSites().contains(m.placedAt())) return null;
                                            throw new java.util.concurrent.CompletionException(e);
                                        });
                        yield released.thenCompose(v -> submit(
                                new SiteCommand.EndMove(id, m.toGeneration(), false, g.reason(), clock.instant())));
                    }
                };
        done.whenCompleteAsync(
                (v, e) -> {
                    if (e != null) log.warn("site {}: a step of moving {} failed; will retry", site.name(), id, e);
                    unmarkBusy(key);
                },
                loop);
    }

    /** Moves whose source this leader told to send the memory, as "key#toGeneration" (loop only). */
    private final Set<String> memorySent = new HashSet<>();

    /** Tells the original's site to send a micro-VM's memory to its waiting new copy, once per leader. */
    private void sendMemory(SiteState.MoveUnderWay m) {
        String told = m.id().key() + "#" + m.toGeneration();
        if (!memorySent.add(told)) return;
        if (memorySent.size() > 10_000) memorySent.clear(); // bounded; telling again is harmless
        int colon = m.migrateTo().lastIndexOf(':');
        String host = m.migrateTo().substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(m.migrateTo().substring(colon + 1));
        var target = new dev.atoll.model.agent.Migration(dev.atoll.model.agent.Migration.Role.INCOMING, host, port);
        federation
                .migrate(m.move().from().site(), m.id(), m.fromGeneration(), target, claimOf(m.id()))
                .whenCompleteAsync(
                        (v, e) -> {
                            if (e != null) memorySent.remove(told); // told again at the next tick
                        },
                        loop);
    }

    /** Offers the new copy of a moving replica to its destination, keeping the original running. */
    private CompletableFuture<Void> placeMoved(SiteState.MoveUnderWay m) {
        var id = m.id();
        var service = read(state -> {
            HomedEnvironment env = state.environments().get(SiteState.environmentKey(id.tenant(), id.environment()));
            return env == null ? null : env.spec().services().get(id.service());
        });
        HomeClaim claim = claimOf(id);
        if (service == null || claim == null) return CompletableFuture.completedFuture(null);
        if (service.driver() == dev.atoll.model.spec.DriverKind.MICROVM) {
            // Live: the guest's memory moves, and with it its addresses on its networks.
            List<NetworkAttachment> same = read(state -> {
                var p = state.placements().get(id.key());
                return p == null ? List.<NetworkAttachment>of() : p.networks();
            });
            return offerMoved(m, service, claim, same, m.move().to().site(), new java.util.LinkedHashMap<>());
        }
        List<String> reserved = new ArrayList<>();
        var asPlace = new HomeAction.Place(id, m.toGeneration(), service, 0, 1, java.util.Optional.empty());
        var addresses = allocateAddresses(asPlace, reserved);
        if (addresses instanceof AddressesExhausted(var why)) {
            addressesInFlight.removeAll(reserved);
            return submit(new SiteCommand.EndMove(id, m.toGeneration(), false, why, clock.instant()))
                    .thenApply(a -> null);
        }
        var networks = ((AddressesFound) addresses).attachments();
        return offerMoved(m, service, claim, networks, m.move().to().site(), new java.util.LinkedHashMap<>())
                .whenCompleteAsync((v, e) -> addressesInFlight.removeAll(reserved), loop);
    }

    private CompletableFuture<Void> offerMoved(
            SiteState.MoveUnderWay m,
            dev.atoll.model.spec.ServiceSpec service,
            HomeClaim claim,
            List<NetworkAttachment> networks,
            String target,
            Map<String, String> declined) {
        var id = m.id();
        var from = m.move().from();
        boolean sameSite = target.equals(from.site());
        var offer = new Offer(
                id,
                m.toGeneration(),
                service,
                claim,
                networks,
                null,
                target.equals(m.move().to().site()) ? m.move().to().node() : null,
                sameSite ? from.node() : null,
                sameSite,
                service.driver() == dev.atoll.model.spec.DriverKind.MICROVM);
        return federation
                .offer(target, offer)
                .thenComposeAsync(
                        reply -> switch (reply) {
                            case OfferReply.Accepted a ->
                                submit(new SiteCommand.MovePlaced(
                                                id, m.toGeneration(), a.site(), networks, a.migrateTo()))
                                        .thenApply(x -> (Void) null);
                            case OfferReply.Rejected r -> {
                                declined.put(r.site(), r.reason());
                                String next = null;
                                if (m.retarget()) {
                                    Set<String> excluded = new HashSet<>(declined.keySet());
                                    var decision = SiteSelector.select(new SiteRequest(
                                            service,
                                            federation.summaries(),
                                            replicasPerSite(id),
                                            1,
                                            excluded,
                                            federation.latency(LatencyModel.ESTIMATED),
                                            seed));
                                    if (decision instanceof SiteDecision.Chosen c) next = c.site();
                                }
                                if (next != null && declined.size() < 8) {
                                    yield offerMoved(m, service, claim, networks, next, declined);
                                }
                                var each = new ArrayList<String>();
                                declined.forEach((other, because) -> each.add(other + ": " + because));
                                yield submit(new SiteCommand.EndMove(
                                                id,
                                                m.toGeneration(),
                                                false,
                                                "the destination refused it (" + String.join("; ", each) + ")",
                                                clock.instant()))
                                        .thenApply(x -> (Void) null);
                            }
                        },
                        loop);
    }

    /**
     * Marks {@code node} of this site draining (no new replicas there; the homes of its replicas
     * move them off, see {@link #moveOffDrainingNode}) or takes it back. Answers the replicas on it now.
     */
    public CompletableFuture<dev.atoll.model.view.MoveOutcome> drainNode(String node, boolean draining) {
        return submit(new SiteCommand.DrainNode(node, draining)).thenApply(applied -> {
            if (applied.response() instanceof Applied.NotFound nf) {
                return new dev.atoll.model.view.MoveOutcome.NotFound("site " + site.name() + " has no " + nf.what());
            }
            int replicas = read(state -> {
                int n = 0;
                for (PlacedInstance i : state.onNodes()) if (i.node().equals(node)) n++;
                return n;
            });
            return new dev.atoll.model.view.MoveOutcome.Draining(site.name(), node, draining, replicas);
        });
    }
}
