package dev.atoll.sim.cloud;

import dev.atoll.control.cloud.EventLog;
import dev.atoll.control.raft.RaftGroup;
import dev.atoll.control.raft.RaftRuntime;
import dev.atoll.control.raft.RaftTimings;
import dev.atoll.control.site.SiteCommand;
import dev.atoll.control.site.SiteController;
import dev.atoll.control.site.SiteState;
import dev.atoll.control.site.SiteStateMachine;
import dev.atoll.model.Resources;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.model.view.CloudEvent;
import dev.atoll.placement.SiteSummary;
import dev.atoll.sim.engine.SimScheduler;
import dev.atoll.sim.invariant.HardConstraints;
import dev.atoll.sim.invariant.Violated;
import dev.atoll.sim.report.SimReport;
import dev.atoll.sim.scenario.Scenario;
import dev.atoll.sim.scenario.ScenarioPlan;
import dev.atoll.sim.scenario.TimedAction;
import dev.atoll.sim.scenario.UserPopulation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Plays a {@link ScenarioPlan} on the real control plane: each site is a real {@link
 * SiteController} over a real MicroRaft group (in memory, on a deterministic executor), talking to
 * the others through a {@link SimNetwork} and to {@link SimNode}s running the sim driver, all on
 * one {@link SimScheduler}. It checks the invariants as it goes, stops at the first broken one
 * (with the seed and the last events), and measures what the report shows.
 */
public final class Simulation {
    /** How the run is watched. */
    public record Options(
            Duration invariantPeriod,
            Duration fenceSettle,
            boolean stopOnViolation,
            Optional<Consumer<String>> eventLines,
            int traceLines,
            Optional<Consumer<String>> progress,
            int threads) {
        public Options {
            if (threads < 1) throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }

        public static Options defaults() {
            return new Options(
                    Duration.ofMillis(100), Duration.ofSeconds(30), true, Optional.empty(), 40, Optional.empty(), 1);
        }

        public Options withEventLines(Consumer<String> sink) {
            return new Options(
                    invariantPeriod, fenceSettle, stopOnViolation, Optional.of(sink), traceLines, progress, threads);
        }

        public Options withInvariantPeriod(Duration period) {
            return new Options(period, fenceSettle, stopOnViolation, eventLines, traceLines, progress, threads);
        }

        /** A line about how far the run is, every few seconds of wall time (for long runs). */
        public Options withProgress(Consumer<String> sink) {
            return new Options(
                    invariantPeriod, fenceSettle, stopOnViolation, eventLines, traceLines, Optional.of(sink), threads);
        }

        /**
         * How many threads run the sites (the caller's among them). The run is the same, event for
         * event, with any number: only its wall time changes.
         */
        public Options withThreads(int count) {
            return new Options(invariantPeriod, fenceSettle, stopOnViolation, eventLines, traceLines, progress, count);
        }
    }

    /**
     * What a run produced: the report, a digest of its event log (equal digests, equal logs), and
     * the tasks run by kind of lane (where a run's time went).
     */
    public record Outcome(
            SimReport report, String eventLogSha256, long eventLines, java.util.SortedMap<String, Long> tasksByLane) {}

    private static final Duration GOSSIP_ROUND = Duration.ofSeconds(1);
    private static final int BUCKETS = 60;

    private final ScenarioPlan plan;
    private final Options options;
    private final SimScheduler scheduler;
    private final SimNetwork network;
    private final Map<String, SimSite> sites = new LinkedHashMap<>();
    private final Map<String, NodeInfo> nodesById = new HashMap<>();
    private final EventLog events;
    private final Truth truth = new Truth();
    private final SimScheduler.Lane driver;

    // Gossip: every site's summary as last spread.
    private List<SiteSummary> gossiped = List.of();
    private Map<String, Long> gossipedMembersVersions = Map.of();
    private long gossipRound;

    // What users were told, and what they asked for.
    private final Map<String, EnvironmentSpec> acknowledged = new TreeMap<>();
    private final Map<String, Long> deployedAtNanos = new HashMap<>();
    private final Set<String> deleted = new HashSet<>();
    /** Every spec the plan deploys, by environment key (the first deploy of a key wins). */
    private final Map<String, EnvironmentSpec> deployed = new HashMap<>();
    /** Instance key → since when a replica of it has been wanted and not running (nanos). */
    private final Map<String, Long> neededSince = new HashMap<>();

    // Measurements.
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private final List<long[]> placementSamples = new ArrayList<>(); // {at nanos, latency nanos}
    private final List<SimReport.InstanceBucket> instanceBuckets = new ArrayList<>();
    private final Map<String, Integer> peakRunning = new HashMap<>();
    private final List<RecoveryWatch> recoveries = new ArrayList<>();
    private final List<SimReport.Violation> violations = new ArrayList<>();
    private final TreeMap<Double, Long> userLatencyWeights = new TreeMap<>();
    private long unservedWeight;
    private long lastFaultChangeNanos;
    private int activeFaults;
    private final Set<String> checkedPlacements = new HashSet<>();

    // The event log: a digest of every line, and the last lines for traces.
    private final MessageDigest digest;
    private final ArrayDeque<String> lastLines = new ArrayDeque<>();
    private long lineCount;

    private Simulation(ScenarioPlan plan, Options options) {
        this.plan = plan;
        this.options = options;
        this.scheduler = new SimScheduler(options.threads());
        this.events = new EventLog(scheduler.clock(), 16);
        this.driver = scheduler.lane("scenario");
        List<String> names =
                plan.topology().sites().stream().map(s -> s.site().name()).toList();
        for (TimedAction a : plan.timeline()) {
            if (a instanceof TimedAction.Deploy d) {
                deployed.putIfAbsent(
                        SiteState.environmentKey(d.spec().tenant(), d.spec().name()), d.spec());
            }
        }
        this.network = new SimNetwork(scheduler, plan.latency(), plan.messageLoss(), plan.seed(), names);
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String c : List.of(
                "deploys",
                "deploysAcknowledged",
                "deploysNotAcknowledged",
                "deletes",
                "placements",
                "replicasStarted",
                "replicasStopped",
                "offersAccepted",
                "offersRejected",
                "nodeCrashes",
                "siteCrashes",
                "partitions",
                "slowLinks",
                "controllerRestarts")) counters.put(c, 0L);
    }

    /** Runs the plan to its end (duration and settle), or to the first broken invariant. */
    public static Outcome run(ScenarioPlan plan, Options options) {
        return new Simulation(plan, options).play();
    }

    private Outcome play() {
        long wallStart = System.nanoTime();
        Runtime rt = Runtime.getRuntime();
        long[] peakHeap = {rt.totalMemory() - rt.freeMemory()};
        // Sites publish from their own groups' threads; the event log takes them in a fixed order.
        events.subscribe(e -> scheduler.effect(() -> onEvent(e)));
        bootSites();
        long start = scheduler.nowNanos();
        // Actions are timed from the moment every site is up.
        for (TimedAction action : plan.timeline()) {
            driver.schedule(() -> perform(action), action.at().toNanos(), TimeUnit.NANOSECONDS);
        }
        long end = start + plan.duration().plus(plan.settle()).toNanos();
        long bucket = Math.max(1, (end - start) / BUCKETS);
        driver.scheduleAtFixedRate(
                this::spreadGossip, GOSSIP_ROUND.toNanos(), GOSSIP_ROUND.toNanos(), TimeUnit.NANOSECONDS);
        for (SimSite site : sites.values()) {
            // Each site writes its card a microsecond before the round, in its own group: in
            // parallel with the others, as sites do, rather than all of them in the round itself.
            scheduler
                    .lane("gossip " + site.name(), network.groupOf(site.name()))
                    .scheduleAtFixedRate(
                            () -> {
                                SiteController c = site.controller;
                                site.card = c == null ? null : new SimSite.Card(c, c.summary());
                            },
                            GOSSIP_ROUND.toNanos() - 1_000,
                            GOSSIP_ROUND.toNanos(),
                            TimeUnit.NANOSECONDS);
        }
        driver.scheduleAtFixedRate(
                this::checkInvariants,
                options.invariantPeriod().toNanos(),
                options.invariantPeriod().toNanos(),
                TimeUnit.NANOSECONDS);
        driver.scheduleAtFixedRate(this::sampleBucket, bucket, bucket, TimeUnit.NANOSECONDS);
        if (plan.rebalancing().isPresent()) {
            for (String c : List.of(
                    "hotSpots",
                    "overloads",
                    "overloadsResolved",
                    "rebalanceMoves",
                    "rebalanceMovesStarted",
                    "drains",
                    "drainsEmptied")) counters.putIfAbsent(c, 0L);
            long second = Duration.ofSeconds(1).toNanos();
            driver.scheduleAtFixedRate(this::watchOverloads, second, second, TimeUnit.NANOSECONDS);
        }
        driver.scheduleAtFixedRate(this::sampleUsers, bucket / 2, Math.max(1, bucket / 4), TimeUnit.NANOSECONDS);
        long steps = 0;
        try {
            while (scheduler.nowNanos() < end && (violations.isEmpty() || !options.stopOnViolation())) {
                if (!scheduler.runNext()) break;
                if ((++steps & 0x3FF) == 0) {
                    peakHeap[0] = Math.max(peakHeap[0], rt.totalMemory() - rt.freeMemory());
                    reportProgress(start, end, wallStart, peakHeap[0]);
                }
            }
        } finally {
            scheduler.close();
        }
        if (driver.lastFailure() != null) {
            // The simulator's own code failed: that is a bug here, not a finding about the cloud.
            throw new IllegalStateException(
                    "the simulator failed at " + seconds(scheduler.nowNanos()) + " s", driver.lastFailure());
        }
        if (violations.isEmpty() || !options.stopOnViolation()) finalChecks();
        overloadFigures();
        peakHeap[0] = Math.max(peakHeap[0], rt.totalMemory() - rt.freeMemory());
        long offersAccepted = 0, offersRejected = 0;
        for (SimSite s : sites.values()) {
            if (s.controller != null) {
                offersAccepted += s.controller.offersAccepted();
                offersRejected += s.controller.offersRejected();
            }
        }
        counters.merge("offersAccepted", offersAccepted, Long::sum);
        counters.merge("offersRejected", offersRejected, Long::sum);
        for (SimSite s : sites.values()) if (s.controller != null) s.controller.close();
        double wall = (System.nanoTime() - wallStart) / 1e9;
        SimReport report = new SimReport(
                plan.name(),
                plan.seed(),
                (scheduler.nowNanos() - start) / 1e9,
                wall,
                scheduler.executed(),
                peakHeap[0],
                counters,
                siteRows(),
                placementBuckets(start, bucket),
                instanceBuckets,
                userHistogram(),
                recoveryRows(start),
                violations);
        return new Outcome(
                report, java.util.HexFormat.of().formatHex(digest.digest()), lineCount, scheduler.executedByKind());
    }

    private long lastProgressWall;

    private void reportProgress(long start, long end, long wallStart, long heap) {
        if (options.progress().isEmpty()) return;
        long wall = System.nanoTime();
        if (wall - lastProgressWall < 5_000_000_000L) return;
        lastProgressWall = wall;
        options.progress()
                .get()
                .accept(String.format(
                        Locale.ROOT,
                        "%s: %.0f of %.0f simulated seconds after %.0f s, %,d events (%,d pending), %,d replicas running, heap %d MiB",
                        plan.name(),
                        (scheduler.nowNanos() - start) / 1e9,
                        (end - start) / 1e9,
                        (wall - wallStart) / 1e9,
                        scheduler.executed(),
                        scheduler.pending(),
                        truth.liveByKey.size(),
                        heap >> 20));
    }

    // --- building the cloud ------------------------------------------------------------------

    private void bootSites() {
        long seed = plan.seed();
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (var siteTopology : plan.topology().sites()) {
            SiteInfo info = siteTopology.site();
            int group = network.groupOf(info.name());
            RaftRuntime runtime = new RaftRuntime(
                    scheduler.clock(),
                    name -> scheduler.lane(name, group),
                    Optional.of(seed * 7919 + info.name().hashCode()));
            RaftGroup raft = RaftGroup.openInMemory(
                    info.name(), List.of(info.name() + "-c1"), SiteStateMachine::new, RaftTimings.defaults(), runtime);
            SimSite site = new SimSite(info, siteTopology.nodes(), raft);
            sites.put(info.name(), site);
            for (NodeInfo node : siteTopology.nodes()) nodesById.put(node.id(), node);
            ready.add(raft.leaderReady());
        }
        awaitAll(ready, "every site's Raft group to elect its leader");
        options.progress().ifPresent(p -> p.accept(plan.name() + ": " + sites.size() + " Raft groups up"));
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (SimSite site : sites.values()) {
            for (NodeInfo node : site.nodes) site.simNodes.put(node.name(), newNode(node));
            started.add(startController(site));
            // Each site's nodes beat together, at a phase of their own.
            long phase = Math.floorMod(seed * 31 + site.name().hashCode(), NodeAgentPort.HEARTBEAT_PERIOD.toNanos());
            scheduler
                    .lane("heartbeats " + site.name(), network.groupOf(site.name()))
                    .scheduleAtFixedRate(
                            () -> site.simNodes.values().forEach(SimNode::beat),
                            phase,
                            NodeAgentPort.HEARTBEAT_PERIOD.toNanos(),
                            TimeUnit.NANOSECONDS);
        }
        spreadGossip();
        awaitAll(started, "every site controller to start");
        spreadGossip();
        line("cloud up: " + sites.size() + " sites, " + nodesById.size() + " nodes");
    }

    private SimNode newNode(NodeInfo node) {
        long seed = plan.seed() * 31 + node.id().hashCode() + scheduler.nowNanos();
        return new SimNode(node, scheduler, network.groupOf(node.site()), seed, truthFromNodes)
                .measuring(plan.rebalancing().map(r -> r.usageShare()).orElse(0.0));
    }

    private CompletableFuture<Void> startController(SimSite site) {
        Map<String, NodeAgentPort> agents = new LinkedHashMap<>();
        site.simNodes.forEach((name, node) -> {
            if (!node.crashed()) agents.put(name, node);
        });
        site.incarnation++;
        var loop = scheduler.lane("site " + site.name() + " #" + site.incarnation, network.groupOf(site.name()));
        SiteController controller = new SiteController(
                site.info,
                site.raft,
                agents,
                scheduler.clock(),
                events,
                plan.seed() + site.name().hashCode(),
                loop);
        site.controller = controller;
        if (site.rebalancer != null) site.rebalancer.close();
        site.rebalancer = null;
        var rebalancing = plan.rebalancing().filter(Scenario.Rebalancing::enabled);
        if (rebalancing.isPresent()) {
            // On the controller's own loop, as in a real site: it dies with the controller.
            site.rebalancer = new dev.atoll.control.rebalance.SiteRebalancer(
                    controller,
                    settingsOf(rebalancing.get()),
                    scheduler.clock(),
                    loop,
                    (home, move) -> askHome(site.name(), home, move),
                    plan.seed() * 17 + site.name().hashCode());
        }
        var started =
                controller.start(new SimFederation(site.name(), network, this::liveController, gossip), site.nodes);
        if (site.rebalancer != null) site.rebalancer.start();
        return started;
    }

    private static dev.atoll.control.rebalance.RebalanceSettings settingsOf(Scenario.Rebalancing r) {
        return dev.atoll.control.rebalance.RebalanceSettings.ON
                .withPolicy(new dev.atoll.placement.rebalance.OverloadPolicy(
                        r.cpuThreshold(), r.memoryThreshold(), r.window().toMillis()))
                .withPeriod(r.period());
    }

    /**
     * A site's rebalancer asks a replica's home to move it: through the real mover at the home
     * ({@code requestMove(Move)}), over the simulated network as the wire call goes, so a home that
     * is down or cut off does not answer.
     */
    private CompletableFuture<dev.atoll.model.view.MoveOutcome> askHome(
            String asking, String homeSite, dev.atoll.placement.rebalance.Move move) {
        String what = "rebalance move " + move.id().key() + " " + move.from().site() + "/"
                + move.from().node() + " -> " + move.to().site()
                + (move.to().node() == null ? "" : "/" + move.to().node());
        scheduler.effect(() -> {
            count("rebalanceMoves");
            line(what + " at " + homeSite);
        });
        return network.<dev.atoll.model.view.MoveOutcome>call(asking, homeSite, () -> {
                    SiteController home = liveController(homeSite);
                    return home == null
                            ? CompletableFuture.completedFuture(
                                    new dev.atoll.model.view.MoveOutcome.Unavailable("home " + homeSite + " is down"))
                            : home.requestMove(move);
                })
                .whenComplete((outcome, error) -> scheduler.effect(() -> {
                    if (error == null && outcome instanceof dev.atoll.model.view.MoveOutcome.Started)
                        count("rebalanceMovesStarted");
                    line(what + ": " + (error == null ? outcome : rootMessage(error)));
                }));
    }

    private SiteController liveController(String site) {
        SimSite s = sites.get(site);
        return s == null ? null : s.controller;
    }

    private final SimFederation.GossipedSummaries gossip = new SimFederation.GossipedSummaries() {
        @Override
        public long round() {
            return gossipRound;
        }

        @Override
        public List<SiteSummary> all() {
            return gossiped;
        }

        @Override
        public Map<String, Long> membersVersions() {
            return gossipedMembersVersions;
        }
    };

    private void spreadGossip() {
        List<SiteSummary> all = new ArrayList<>(sites.size());
        Map<String, SiteSummary> previous = new HashMap<>();
        Map<String, Long> membersVersions = new HashMap<>(gossipedMembersVersions);
        for (SiteSummary s : gossiped) previous.put(s.site().name(), s);
        for (SimSite site : sites.values()) {
            if (site.controller != null) {
                SimSite.Card card = site.card;
                all.add(card != null && card.by() == site.controller ? card.summary() : site.controller.summary());
                membersVersions.put(site.name(), site.controller.networkMembersVersion());
            } else {
                // A dead site's last card lingers; whoever sees it dead ignores it.
                all.add(previous.getOrDefault(site.name(), new SiteSummary(site.info, false, List.of())));
            }
        }
        gossiped = List.copyOf(all);
        // The same map while nothing changed, as gossip that brought no news: readers compare it by identity.
        if (!membersVersions.equals(gossipedMembersVersions)) {
            gossipedMembersVersions = java.util.Collections.unmodifiableMap(membersVersions);
        }
        gossipRound++;
    }

    private void awaitAll(List<CompletableFuture<Void>> futures, String what) {
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
        if (!scheduler.runUntilDone(all, Duration.ofMinutes(5)) || all.isCompletedExceptionally()) {
            throw new IllegalStateException("the simulated cloud did not come up: waited for " + what);
        }
    }

    // --- the scenario's actions --------------------------------------------------------------

    private void perform(TimedAction action) {
        switch (action) {
            case TimedAction.Deploy d -> deploy(d);
            case TimedAction.Delete d -> delete(d);
            case TimedAction.CrashNode c -> crashNode(c.site(), c.node());
            case TimedAction.RestoreNode r -> restoreNode(r.site(), r.node());
            case TimedAction.CrashSite c -> crashSite(c.site());
            case TimedAction.RestoreSite r -> restoreSite(r.site());
            case TimedAction.Partition p -> {
                count("partitions");
                line("partition " + new TreeSet<>(p.sites()));
                faultStarted(
                        "partition of " + new TreeSet<>(p.sites()),
                        "partition " + new TreeSet<>(p.sites()),
                        liveKeysAt(p.sites()),
                        p.sites());
                network.partition(p.sites());
            }
            case TimedAction.Heal h -> {
                line("heal " + new TreeSet<>(h.sites()));
                network.heal(h.sites());
                faultEnded("partition " + new TreeSet<>(h.sites()));
            }
            case TimedAction.SlowLink s -> {
                count("slowLinks");
                line("slow link " + s.siteA() + "-" + s.siteB() + " +" + s.extraMillis() + " ms");
                network.slowLink(s.siteA(), s.siteB(), s.extraMillis());
            }
            case TimedAction.RestoreLink r -> {
                line("link restored " + r.siteA() + "-" + r.siteB());
                network.restoreLink(r.siteA(), r.siteB());
            }
            case TimedAction.RestartController r -> restartController(r.site());
            case TimedAction.MoveInstance m ->
                move(m.id(), new dev.atoll.placement.Assignment(m.toSite(), m.toNode()), "asked by a user");
            case TimedAction.DrainNode d -> drainNode(d.site(), d.node(), d.draining());
            case TimedAction.HotSpot h -> hotSpot(h.site(), h.node(), h.factor());
        }
    }

    /**
     * Moves one replica through the real code: the environment's home site checks the destination
     * and records the move ({@link dev.atoll.control.site.SiteController#requestMove}); the
     * outcome is a line of the event log, the moves' steps are the home's events. A decider of
     * moves (a rebalancer) calls {@code requestMove(Move)} at the home the same way.
     */
    void move(InstanceId id, dev.atoll.placement.Assignment to, String reason) {
        count("moves");
        String key = SiteState.environmentKey(id.tenant(), id.environment());
        for (SimSite site : sites.values()) {
            if (site.controller == null) continue;
            boolean homes = site.controller.read(state -> state.environments().containsKey(key));
            if (!homes) continue;
            line("move " + id.key() + " to " + to.site() + (to.node() == null ? "" : "/" + to.node()) + " at "
                    + site.name());
            site.controller
                    .requestMove(id, to, reason, false)
                    .whenComplete((outcome, error) -> scheduler.effect(() -> {
                        if (!(outcome instanceof dev.atoll.model.view.MoveOutcome.Started)) count("movesRefused");
                        line("move " + id.key() + ": " + (error == null ? outcome : rootMessage(error)));
                    }));
            return;
        }
        count("movesRefused");
        line("move " + id.key() + ": no live site homes it");
    }

    private void hotSpot(String siteName, String nodeName, double factor) {
        SimSite site = sites.get(siteName);
        SimNode node = site == null ? null : site.simNodes.get(nodeName);
        if (node == null) return;
        if (factor != 1.0) count("hotSpots");
        line("hot spot " + siteName + "/" + nodeName + " x" + factor);
        node.hotFactor(factor);
    }

    // --- overloads and drains, as the nodes measure them (scenarios with a rebalance section) ---

    private final Map<String, Long> overSince = new TreeMap<>();
    private final List<Long> overloadResolveNanos = new ArrayList<>();
    private final Map<String, Long> drainingSince = new TreeMap<>();
    private final List<Long> drainEmptyNanos = new ArrayList<>();
    private long overloadedNodeSamples;

    /**
     * Once a simulated second: which nodes use more than the thresholds of their capacity (the
     * ground truth of the sim driver, not what any site believes), since when, and how long each
     * overload lasted once over; and how long each drained node took to empty.
     */
    private void watchOverloads() {
        var r = plan.rebalancing().orElseThrow();
        long now = scheduler.nowNanos();
        for (SimSite site : sites.values()) {
            for (SimNode node : site.simNodes.values()) {
                String id = node.info().id();
                if (node.crashed()) {
                    overSince.remove(id);
                    continue;
                }
                var capacity = node.info().capacity();
                var used = node.usage();
                boolean over = used.cpuMillis() > capacity.cpuMillis() * r.cpuThreshold()
                        || used.memoryBytes() > capacity.memoryBytes() * r.memoryThreshold();
                Long since = overSince.get(id);
                if (over) overloadedNodeSamples++;
                if (over && since == null) {
                    overSince.put(id, now);
                    count("overloads");
                    line("overload " + id + ": cpu " + used.cpuMillis() + "m of " + capacity.cpuMillis() + "m");
                } else if (!over && since != null) {
                    overSince.remove(id);
                    overloadResolveNanos.add(now - since);
                    count("overloadsResolved");
                    line("overload " + id + " over after " + seconds(now - since) + " s");
                }
                Long drainStart = drainingSince.get(id);
                if (drainStart != null && node.copies() == 0) {
                    drainingSince.remove(id);
                    drainEmptyNanos.add(now - drainStart);
                    count("drainsEmptied");
                    line("drained " + id + " empty after " + seconds(now - drainStart) + " s");
                }
            }
        }
    }

    /** The figures of {@link #watchOverloads}, as counters of the report. */
    private void overloadFigures() {
        if (plan.rebalancing().isEmpty()) return;
        counters.put("overloadsUnresolved", (long) overSince.size());
        counters.put("overloadedNodeSeconds", overloadedNodeSamples);
        counters.put("overloadResolveMsP50", percentileMillis(overloadResolveNanos, 0.5));
        counters.put("overloadResolveMsMax", percentileMillis(overloadResolveNanos, 1.0));
        counters.put("drainsNotEmptied", (long) drainingSince.size());
        counters.put("drainEmptyMsMax", percentileMillis(drainEmptyNanos, 1.0));
    }

    private static long percentileMillis(List<Long> nanos, double q) {
        if (nanos.isEmpty()) return 0;
        List<Long> sorted = new ArrayList<>(nanos);
        java.util.Collections.sort(sorted);
        int i = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(q * sorted.size()) - 1));
        return sorted.get(i) / 1_000_000;
    }

    private void drainNode(String siteName, String nodeName, boolean draining) {
        SimSite site = sites.get(siteName);
        if (site == null || site.controller == null) {
            line("drain " + siteName + "/" + nodeName + ": the site is down");
            return;
        }
        count(draining ? "drains" : "undrains");
        if (plan.rebalancing().isPresent()) {
            if (draining) drainingSince.putIfAbsent(siteName + "/" + nodeName, scheduler.nowNanos());
            else drainingSince.remove(siteName + "/" + nodeName);
        }
        line((draining ? "drain " : "undrain ") + siteName + "/" + nodeName);
        site.controller.drainNode(nodeName, draining).exceptionally(e -> null);
    }

    private void deploy(TimedAction.Deploy d) {
        count("deploys");
        EnvironmentSpec spec = d.spec();
        String key = SiteState.environmentKey(spec.tenant(), spec.name());
        SimSite home = sites.get(d.homeSite());
        line("deploy " + key + " at " + d.homeSite());
        if (home == null || home.controller == null) {
            count("deploysNotAcknowledged");
            line("deploy " + key + " refused: site " + d.homeSite() + " is down");
            return;
        }
        long now = scheduler.nowNanos();
        deployedAtNanos.put(key, now);
        for (InstanceId id : replicasOf(spec)) neededSince.putIfAbsent(id.key(), now);
        home.controller
                .putEnvironment(spec, scheduler.now())
                .whenComplete((applied, error) -> scheduler.effect(() -> {
                    if (error == null) {
                        count("deploysAcknowledged");
                        if (!deleted.contains(key)) {
                            acknowledged.put(key, spec);
                            maybeLost.add(key);
                        }
                        line("deploy " + key + " acknowledged");
                    } else {
                        count("deploysNotAcknowledged");
                        line("deploy " + key + " not acknowledged: " + rootMessage(error));
                    }
                }));
    }

    private void delete(TimedAction.Delete d) {
        count("deletes");
        String key = SiteState.environmentKey(d.tenant(), d.environment());
        deleted.add(key);
        EnvironmentSpec spec = acknowledged.remove(key);
        if (spec != null) for (InstanceId id : replicasOf(spec)) neededSince.remove(id.key());
        for (SimSite site : sites.values()) {
            if (site.controller == null) continue;
            boolean homes = site.controller.read(state -> state.environments().containsKey(key));
            if (homes) {
                line("delete " + key + " at " + site.name());
                site.controller
                        .submit(new SiteCommand.DeleteEnvironment(d.tenant(), d.environment(), scheduler.now()))
                        .exceptionally(e -> null);
                return;
            }
        }
        line("delete " + key + ": no live site homes it");
    }

    private void crashNode(String siteName, String nodeName) {
        SimSite site = sites.get(siteName);
        SimNode node = site == null ? null : site.simNodes.get(nodeName);
        if (node == null || node.crashed()) return;
        count("nodeCrashes");
        line("crash node " + siteName + "/" + nodeName);
        faultStarted(
                "node " + siteName + "/" + nodeName + " crash",
                "node " + siteName + "/" + nodeName,
                truth.keysOn(node.info()),
                Set.of());
        node.crash();
    }

    private void restoreNode(String siteName, String nodeName) {
        SimSite site = sites.get(siteName);
        SimNode old = site == null ? null : site.simNodes.get(nodeName);
        if (old == null || !old.crashed()) return;
        line("restore node " + siteName + "/" + nodeName);
        SimNode fresh = newNode(old.info());
        site.simNodes.put(nodeName, fresh);
        if (site.controller != null) site.controller.attach(old.info(), fresh).exceptionally(e -> null);
        faultEnded("node " + siteName + "/" + nodeName);
    }

    private void crashSite(String siteName) {
        SimSite site = sites.get(siteName);
        if (site == null || site.controller == null) return;
        count("siteCrashes");
        line("crash site " + siteName);
        Set<String> hit = new TreeSet<>();
        for (SimNode node : site.simNodes.values()) hit.addAll(truth.keysOn(node.info()));
        faultStarted("site " + siteName + " crash", "site " + siteName, hit, Set.of(siteName));
        network.crash(siteName);
        site.controller.close();
        site.controller = null;
        if (site.rebalancer != null) site.rebalancer.close();
        site.rebalancer = null;
        site.simNodes.values().forEach(SimNode::crash);
    }

    private void restoreSite(String siteName) {
        SimSite site = sites.get(siteName);
        if (site == null || site.controller != null) return;
        line("restore site " + siteName);
        for (NodeInfo node : site.nodes) site.simNodes.put(node.name(), newNode(node));
        network.restore(siteName);
        startController(site).exceptionally(e -> null);
        faultEnded("site " + siteName);
    }

    private void restartController(String siteName) {
        SimSite site = sites.get(siteName);
        if (site == null || site.controller == null) return;
        count("controllerRestarts");
        line("restart controller " + siteName);
        site.controller.close();
        startController(site).exceptionally(e -> null);
    }

    // --- ground truth from the nodes ---------------------------------------------------------

    /** The nodes tell from their sites' threads; the truth changes when their window ends. */
    private final SimNode.LiveCopies truthFromNodes = new SimNode.LiveCopies() {
        @Override
        public void started(InstanceId id, long generation, NodeInfo node) {
            scheduler.effect(() -> truth.started(id, generation, node));
        }

        @Override
        public void stopped(InstanceId id, long generation, NodeInfo node) {
            scheduler.effect(() -> truth.stopped(id, generation, node));
        }

        @Override
        public void assigned(InstanceId id, long generation, NodeInfo node) {
            scheduler.effect(() -> truth.assigned(id, generation, node));
        }
    };

    /** Every copy that runs, by instance key, from the nodes themselves. */
    private final class Truth implements SimNode.LiveCopies {
        final Map<String, List<String>> liveByKey = new HashMap<>(); // key → "site/node#gen"
        /** Keys running more than once now: what the duplicate check looks at, not every key. */
        final Set<String> multiples = new TreeSet<>();

        final Map<String, Set<String>> keysByNode = new HashMap<>();
        final Map<String, Integer> runningBySite = new HashMap<>();
        /** Service (tenant/environment.service) → site → live copies there: what users are served from. */
        final Map<String, Map<String, Integer>> liveSitesByService = new HashMap<>();

        @Override
        public void started(InstanceId id, long generation, NodeInfo node) {
            String key = id.key();
            List<String> copies = liveByKey.computeIfAbsent(key, k -> new ArrayList<>(1));
            copies.add(node.id() + "#" + generation);
            if (copies.size() > 1) multiples.add(key);
            keysByNode.computeIfAbsent(node.id(), k -> new TreeSet<>()).add(key);
            liveSitesByService
                    .computeIfAbsent(serviceKey(id.tenant(), id.environment(), id.service()), k -> new HashMap<>(2))
                    .merge(node.site(), 1, Integer::sum);
            int running = runningBySite.merge(node.site(), 1, Integer::sum);
            peakRunning.merge(node.site(), running, Math::max);
            count("replicasStarted");
            Long since = neededSince.remove(key);
            if (since != null) placementSamples.add(new long[] {scheduler.nowNanos(), scheduler.nowNanos() - since});
            checkPlacement(id, generation, node);
            for (RecoveryWatch w : recoveries) w.started(key, node.site());
            if (options.eventLines().isPresent()) line("run " + key + "#" + generation + " on " + node.id());
        }

        @Override
        public void stopped(InstanceId id, long generation, NodeInfo node) {
            String key = id.key();
            List<String> live = liveByKey.get(key);
            if (live != null) {
                if (live.remove(node.id() + "#" + generation)) {
                    String service = serviceKey(id.tenant(), id.environment(), id.service());
                    var sites = liveSitesByService.get(service);
                    if (sites != null && sites.merge(node.site(), -1, Integer::sum) <= 0) {
                        sites.remove(node.site());
                        if (sites.isEmpty()) liveSitesByService.remove(service);
                    }
                }
                if (live.isEmpty()) liveByKey.remove(key);
                if (live.size() < 2) multiples.remove(key);
            }
            Set<String> onNode = keysByNode.get(node.id());
            if (onNode != null) onNode.remove(key);
            runningBySite.merge(node.site(), -1, Integer::sum);
            count("replicasStopped");
            if (!liveByKey.containsKey(key) && wanted(id)) neededSince.putIfAbsent(key, scheduler.nowNanos());
            if (options.eventLines().isPresent()) line("stop " + key + "#" + generation + " on " + node.id());
        }

        @Override
        public void assigned(InstanceId id, long generation, NodeInfo node) {
            count("placements");
            for (RecoveryWatch w : recoveries) w.placed(id.key());
        }

        Set<String> keysOn(NodeInfo node) {
            return new TreeSet<>(keysByNode.getOrDefault(node.id(), Set.of()));
        }
    }

    /** A service's key (tenant/environment.service): what its replicas' instance keys start with. */
    private static String serviceKey(String tenant, String environment, String service) {
        return SiteState.environmentKey(tenant, environment) + "." + service;
    }

    private boolean wanted(InstanceId id) {
        EnvironmentSpec spec = acknowledged.get(SiteState.environmentKey(id.tenant(), id.environment()));
        if (spec == null) return false;
        ServiceSpec service = spec.services().get(id.service());
        return service != null && id.index() < service.replicas();
    }

    private Set<String> liveKeysAt(Set<String> siteNames) {
        Set<String> keys = new TreeSet<>();
        for (String s : siteNames) {
            SimSite site = sites.get(s);
            if (site == null) continue;
            for (SimNode node : site.simNodes.values()) keys.addAll(truth.keysOn(node.info()));
        }
        return keys;
    }

    private static List<InstanceId> replicasOf(EnvironmentSpec spec) {
        List<InstanceId> ids = new ArrayList<>();
        for (ServiceSpec s : spec.services().values()) {
            for (int i = 0; i < s.replicas(); i++) ids.add(new InstanceId(spec.tenant(), spec.name(), s.name(), i));
        }
        return ids;
    }

    // --- invariants --------------------------------------------------------------------------

    private void checkPlacement(InstanceId id, long generation, NodeInfo node) {
        if (!checkedPlacements.add(id.key() + "#" + generation + "@" + node.id())) return;
        EnvironmentSpec spec = findSpec(id);
        if (spec == null) return;
        ServiceSpec service = spec.services().get(id.service());
        if (service == null) return;
        HardConstraints.broken(service, sites.get(node.site()).info, node)
                .ifPresent(why ->
                        violation(Violated.HARD_CONSTRAINT, id.key() + " runs on " + node.id() + ": " + why, id.key()));
    }

    private EnvironmentSpec findSpec(InstanceId id) {
        String key = SiteState.environmentKey(id.tenant(), id.environment());
        EnvironmentSpec spec = acknowledged.get(key);
        return spec != null ? spec : deployed.get(key);
    }

    private void checkInvariants() {
        checkInvariants(false);
    }

    /** With {@code last}, every check runs now (the last look, after the settle time). */
    private void checkInvariants(boolean last) {
        for (RecoveryWatch w : recoveries) w.review();
        if (!violations.isEmpty() && options.stopOnViolation()) return;
        // No node over-committed, in the state of every site that is up.
        // A site's state changes only by applying commands: one whose applied index is the same as
        // at the last check is not looked at again (a thousand sites hold a million replicas). An
        // over-commit stays until something releases it, so a site is looked at once a second.
        boolean overCommitRound = ++invariantRounds % OVER_COMMIT_EVERY_ROUNDS == 0 || last;
        // The check reads the load per node the state machine keeps (what placement trusts), and
        // once a minute also works it out again from every replica, so a kept load that drifts
        // from the replicas is itself a violation.
        boolean recountRound = invariantRounds % RECOUNT_EVERY_ROUNDS == 0 || last;
        for (SimSite site : sites.values()) {
            if (site.controller == null || !overCommitRound) continue;
            var machine = (SiteStateMachine) site.raft.leaderMachine();
            String broken = machine.readAt((state, index) -> {
                String checkedAt = site.name() + "@" + index;
                if (!recountRound && checkedAt.equals(overCommitCheckedAt.get(site.name()))) return null;
                overCommitCheckedAt.put(site.name(), checkedAt);
                return overCommitted(state, machine, recountRound);
            });
            if (broken != null) violation(Violated.OVER_COMMIT, "site " + site.name() + ": " + broken, "");
        }
        // No acknowledged environment lost: some site, up or down, still holds it or a copy.
        // Kept as a count of holders per environment, brought up to date from the sites whose set of
        // held environments may have changed; only environments whose count fell to zero, or that
        // were just acknowledged, are looked at.
        for (SimSite site : sites.values()) {
            HeldAt cached = heldBySite.get(site.name());
            var leader = site.raft.leaderId();
            HeldAt now;
            if (leader.isEmpty()) {
                now = null;
            } else {
                var machine = (SiteStateMachine) site.raft.machineOf(leader.get());
                long changes = machine.heldChanges();
                if (cached != null
                        && cached.changes() == changes
                        && cached.leader().equals(leader.get())) continue;
                now = machine.read(state -> {
                    Set<String> keys = new HashSet<>(state.environments().keySet());
                    state.copies().values().forEach(c -> keys.add(c.key()));
                    return new HeldAt(leader.get(), changes, keys);
                });
            }
            if (cached == null && now == null) continue;
            Set<String> before = cached == null ? Set.of() : cached.keys();
            Set<String> after = now == null ? Set.of() : now.keys();
            for (String key : after) if (!before.contains(key)) holders.merge(key, 1, Integer::sum);
            for (String key : before) {
                if (after.contains(key)) continue;
                if (holders.merge(key, -1, Integer::sum) <= 0) {
                    holders.remove(key);
                    maybeLost.add(key);
                }
            }
            if (now == null) heldBySite.remove(site.name());
            else heldBySite.put(site.name(), now);
        }
        for (String key : maybeLost) {
            if (acknowledged.containsKey(key) && !holders.containsKey(key) && !deleted.contains(key)) {
                violation(Violated.ENVIRONMENT_LOST, "environment " + key + " is held by no site", key);
                break;
            }
        }
        maybeLost.clear();
        // After fences settle: no identity runs twice.
        if (activeFaults == 0
                && scheduler.nowNanos() - lastFaultChangeNanos
                        >= options.fenceSettle().toNanos()) {
            checkDuplicates(options.fenceSettle());
        }
    }

    private final Map<String, Long> duplicateSince = new HashMap<>();
    private long invariantRounds;
    /** Ten rounds of the default 100 ms: once a second. */
    private static final int OVER_COMMIT_EVERY_ROUNDS = 10;
    /** Six hundred rounds of the default 100 ms: once a simulated minute. */
    private static final int RECOUNT_EVERY_ROUNDS = 600;

    private final Map<String, String> overCommitCheckedAt = new HashMap<>();
    private final Map<String, HeldAt> heldBySite = new HashMap<>();
    /** How many sites hold each environment (homed or as a copy), as of the last check. */
    private final Map<String, Integer> holders = new HashMap<>();
    /** Environments to look at in the next check: held by one site fewer, or just acknowledged. */
    private final Set<String> maybeLost = new HashSet<>();

    /** The environments and copies a site's leader held, as of a count of its held changes. */
    private record HeldAt(Object leader, long changes, Set<String> keys) {}

    private void checkDuplicates(Duration grace) {
        long now = scheduler.nowNanos();
        Set<String> seen = new HashSet<>();
        Set<String> moving = truth.multiples.isEmpty() ? Set.of() : movingBeforeTheSwitch();
        for (String key : truth.multiples) {
            var e = Map.entry(key, truth.liveByKey.get(key));
            // A move runs its new copy beside the original until its home switches to it: that pair
            // is allowed, and the grace for the original to stop counts from the switch.
            if (moving.contains(key)) continue;
            seen.add(e.getKey());
            long since = duplicateSince.computeIfAbsent(e.getKey(), k -> now);
            // A re-placement runs the new copy before the old one stops: only a lasting double counts.
            if (now - since >= grace.toNanos()) {
                violation(
                        Violated.DUPLICATE,
                        e.getKey() + " runs " + e.getValue().size() + " times: " + new TreeSet<>(e.getValue()),
                        e.getKey());
                return;
            }
        }
        duplicateSince.keySet().retainAll(seen);
    }

    /** Instance keys whose home has a move under way that has not switched to the new copy yet. */
    private Set<String> movingBeforeTheSwitch() {
        Set<String> keys = new HashSet<>();
        for (SimSite site : sites.values()) {
            if (site.controller == null) continue;
            site.controller.read(state -> {
                state.moves().forEach((key, m) -> {
                    if (m.phase() != SiteState.MoveUnderWay.Phase.SWITCHED) keys.add(key);
                });
                return null;
            });
        }
        return keys;
    }

    private static String overCommitted(SiteState state, SiteStateMachine machine, boolean recount) {
        var recounted = recount ? state.loadByNode() : null;
        for (NodeInfo node : state.nodes().values()) {
            var onNode = machine.loadOn(node.name());
            if (recounted != null) {
                var fromReplicas = recounted.getOrDefault(node.name(), SiteState.NodeLoad.NONE);
                if (!fromReplicas.equals(onNode)) {
                    return "node " + node.name() + " is kept as holding " + onNode + " but its replicas take "
                            + fromReplicas;
                }
            }
            Resources used = onNode.allocated();
            if (used.cpuMillis() > node.capacity().cpuMillis()
                    || used.memoryBytes() > node.capacity().memoryBytes()) {
                return "node " + node.name() + " has " + used + " allocated of " + node.capacity();
            }
            if (onNode.instances() > node.instanceSlots()) {
                return "node " + node.name() + " holds " + onNode.instances() + " instances in " + node.instanceSlots()
                        + " slots";
            }
        }
        return null;
    }

    /** After the settle time: every replica of every live environment runs, once, unless it could not be placed. */
    private void finalChecks() {
        checkInvariants(true);
        if (!violations.isEmpty()) return;
        if (activeFaults == 0) checkDuplicates(Duration.ZERO);
        if (!violations.isEmpty()) return;
        Set<String> unplaceable = new HashSet<>();
        for (SimSite site : sites.values()) {
            if (site.controller == null) continue;
            unplaceable.addAll(site.controller.read(state -> {
                Set<String> keys = new HashSet<>();
                for (var env : state.environments().values())
                    keys.addAll(state.unplaceableOf(env).keySet());
                return keys;
            }));
        }
        long notRunning = 0;
        String first = null;
        for (EnvironmentSpec spec : acknowledged.values()) {
            for (InstanceId id : replicasOf(spec)) {
                if (!truth.liveByKey.containsKey(id.key()) && !unplaceable.contains(id.key())) {
                    notRunning++;
                    if (first == null) first = id.key();
                }
            }
        }
        counters.put("unplaceableAtEnd", (long) unplaceable.size());
        if (notRunning > 0 && activeFaults == 0) {
            violation(
                    Violated.NOT_RUNNING,
                    notRunning + " replicas of live environments are neither running nor unplaceable after "
                            + plan.settle().toSeconds() + " s of settling, e.g. " + first,
                    first);
        }
    }

    private void violation(String invariant, String detail, String subject) {
        if (!violations.isEmpty() && options.stopOnViolation()) return;
        List<String> trace = new ArrayList<>();
        for (String l : lastLines)
            if (subject == null || subject.isEmpty() || l.contains(subjectEnv(subject))) trace.add(l);
        if (trace.isEmpty()) trace.addAll(lastLines);
        violations.add(new SimReport.Violation(invariant, seconds(scheduler.nowNanos()), detail, trace));
        line("VIOLATION " + invariant + ": " + detail);
    }

    private static String subjectEnv(String key) {
        int dot = key.indexOf('.');
        return dot < 0 ? key : key.substring(0, dot);
    }

    // --- measurements ------------------------------------------------------------------------

    private final class RecoveryWatch {
        final long atNanos;
        final String fault;
        final String faultId;
        final Set<String> hit;
        final Set<String> affectedSites;
        final Set<String> waiting;
        long detectedNanos = -1;
        long recoveredNanos = -1;
        boolean ended;

        RecoveryWatch(String fault, String faultId, Set<String> hit, Set<String> affectedSites) {
            this.atNanos = scheduler.nowNanos();
            this.fault = fault;
            this.faultId = faultId;
            this.hit = Set.copyOf(hit);
            this.affectedSites = Set.copyOf(affectedSites);
            this.waiting = new TreeSet<>(hit);
            if (waiting.isEmpty()) recoveredNanos = atNanos;
        }

        void placed(String key) {
            // Only a placement while the fault still bites counts as the cloud noticing it.
            if (recoveredNanos < 0 && detectedNanos < 0 && hit.contains(key)) detectedNanos = scheduler.nowNanos();
        }

        void started(String key, String site) {
            if (recoveredNanos >= 0 || (affectedSites.contains(site) && !ended)) return;
            // Only this replica changed: the others are looked at in full only once none of them
            // still waits. Looking at every one at every start was quadratic: the partition of
            // Brazil's sites in edge-1000 hit 35,000 replicas, and their starts stopped the run.
            if (waiting.remove(key) && waiting.stream().noneMatch(this::stillWaits)) review();
        }

        /**
         * Recovered once every replica the fault hit runs again outside it (or anywhere once the fault
         * is over), or is no longer wanted (its environment was deleted meanwhile).
         */
        void review() {
            if (recoveredNanos >= 0) return;
            waiting.removeIf(key -> !stillWaits(key));
            if (waiting.isEmpty()) recoveredNanos = scheduler.nowNanos();
        }

        private boolean stillWaits(String key) {
            return wanted(InstanceId.fromKey(key)) && !runsOutside(key);
        }

        private boolean runsOutside(String key) {
            List<String> live = truth.liveByKey.get(key);
            if (live == null) return false;
            if (ended) return true;
            for (String where : live) {
                if (!affectedSites.contains(where.substring(0, where.indexOf('/')))) return true;
            }
            return false;
        }
    }

    private void faultStarted(String fault, String faultId, Set<String> hitKeys, Set<String> affectedSites) {
        activeFaults++;
        lastFaultChangeNanos = scheduler.nowNanos();
        recoveries.add(new RecoveryWatch(fault, faultId, hitKeys, affectedSites));
    }

    private void faultEnded(String faultId) {
        activeFaults = Math.max(0, activeFaults - 1);
        lastFaultChangeNanos = scheduler.nowNanos();
        for (int i = recoveries.size() - 1; i >= 0; i--) {
            RecoveryWatch w = recoveries.get(i);
            if (w.faultId.equals(faultId) && !w.ended) {
                w.ended = true;
                w.review();
                break;
            }
        }
    }

    private void sampleBucket() {
        long expected = 0;
        for (EnvironmentSpec spec : acknowledged.values()) {
            for (ServiceSpec s : spec.services().values()) expected += s.replicas();
        }
        long running = truth.liveByKey.size();
        instanceBuckets.add(new SimReport.InstanceBucket(
                seconds(scheduler.nowNanos()), running, Math.max(0, expected - running), 0));
    }

    /** Users reach the nearest running replica of every service meant for them. */
    private void sampleUsers() {
        Map<String, UserPopulation> byName = new HashMap<>();
        for (UserPopulation p : plan.users()) byName.put(p.name(), p);
        if (byName.isEmpty()) return;
        for (EnvironmentSpec spec : acknowledged.values()) {
            for (ServiceSpec service : spec.services().values()) {
                for (PlacementIntent.UserRegion region : service.placement().nearUsers()) {
                    UserPopulation users = byName.get(region.name());
                    if (users == null) continue;
                    long best = Long.MAX_VALUE;
                    var live = truth.liveSitesByService.get(serviceKey(spec.tenant(), spec.name(), service.name()));
                    if (live != null) {
                        for (String site : live.keySet()) {
                            long micros = 2 * plan.latency().userToSiteMicros(users.location(), site);
                            best = Math.min(best, micros);
                        }
                    }
                    long weight = Math.max(1, users.users());
                    if (best == Long.MAX_VALUE) unservedWeight += weight;
                    else userLatencyWeights.merge(best / 1000.0, weight, Long::sum);
                }
            }
        }
    }

    private SimReport.LatencyHistogram userHistogram() {
        List<Double> edges = List.of(5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0);
        long[] counts = new long[edges.size() + 1];
        long total = 0;
        for (var e : userLatencyWeights.entrySet()) {
            int b = 0;
            while (b < edges.size() && e.getKey() > edges.get(b)) b++;
            counts[b] += e.getValue();
            total += e.getValue();
        }
        return new SimReport.LatencyHistogram(
                edges,
                Arrays.stream(counts).boxed().toList(),
                weightedPercentile(total, 0.50),
                weightedPercentile(total, 0.95),
                weightedPercentile(total, 0.99),
                unservedWeight);
    }

    private double weightedPercentile(long total, double q) {
        if (total == 0) return 0;
        long target = (long) Math.ceil(q * total);
        long seen = 0;
        for (var e : userLatencyWeights.entrySet()) {
            seen += e.getValue();
            if (seen >= target) return e.getKey();
        }
        return userLatencyWeights.lastKey();
    }

    private List<SimReport.PlacementBucket> placementBuckets(long start, long bucket) {
        TreeMap<Long, List<Long>> byBucket = new TreeMap<>();
        for (long[] s : placementSamples)
            byBucket.computeIfAbsent((s[0] - start) / bucket, b -> new ArrayList<>())
                    .add(s[1]);
        List<SimReport.PlacementBucket> rows = new ArrayList<>();
        byBucket.forEach((b, latencies) -> {
            long[] sorted =
                    latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            rows.add(new SimReport.PlacementBucket(
                    b * bucket / 1e9,
                    sorted.length,
                    percentile(sorted, 0.5) / 1e6,
                    percentile(sorted, 0.95) / 1e6,
                    sorted[sorted.length - 1] / 1e6));
        });
        return rows;
    }

    private static long percentile(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private List<SimReport.Recovery> recoveryRows(long start) {
        List<SimReport.Recovery> rows = new ArrayList<>();
        for (RecoveryWatch w : recoveries) {
            rows.add(new SimReport.Recovery(
                    (w.atNanos - start) / 1e9,
                    w.fault,
                    w.hit.size(),
                    w.detectedNanos < 0 ? -1 : (w.detectedNanos - w.atNanos) / 1e9,
                    w.recoveredNanos < 0 ? -1 : (w.recoveredNanos - w.atNanos) / 1e9));
        }
        return rows;
    }

    private List<SimReport.SiteRow> siteRows() {
        List<SimReport.SiteRow> rows = new ArrayList<>();
        for (SimSite site : sites.values()) {
            rows.add(new SimReport.SiteRow(
                    site.name(),
                    site.info.location().lat(),
                    site.info.location().lon(),
                    site.info.country(),
                    site.info.jurisdiction(),
                    site.nodes.size(),
                    Math.max(0, truth.runningBySite.getOrDefault(site.name(), 0)),
                    peakRunning.getOrDefault(site.name(), 0),
                    site.controller != null));
        }
        return rows;
    }

    // --- the event log -----------------------------------------------------------------------

    private void onEvent(CloudEvent e) {
        switch (e.type()) {
            case "move-completed" -> count("movesCompleted");
            case "move-failed" -> count("movesFailed");
            default -> {}
        }
        line(e.site() + " " + e.type() + " " + e.environment() + " " + e.instance() + " " + e.message());
    }

    private void line(String text) {
        String l = String.format(Locale.ROOT, "%012.6f %s", seconds(scheduler.nowNanos()), text);
        digest.update(l.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
        lineCount++;
        lastLines.addLast(l);
        while (lastLines.size() > options.traceLines()) lastLines.removeFirst();
        options.eventLines().ifPresent(sink -> sink.accept(l));
    }

    private double seconds(long nanos) {
        return nanos / 1e9;
    }

    private void count(String counter) {
        counters.merge(counter, 1L, Long::sum);
    }

    private static String rootMessage(Throwable e) {
        return String.valueOf(dev.atoll.wire.Failures.rootCause(e).getMessage());
    }
}
