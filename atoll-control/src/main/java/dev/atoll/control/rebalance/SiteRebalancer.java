package dev.atoll.control.rebalance;

import dev.atoll.control.federation.NodeClaim;
import dev.atoll.control.site.NodeLiveness;
import dev.atoll.control.site.SiteController;
import dev.atoll.control.site.SiteState;
import dev.atoll.model.agent.NodeUsage;
import dev.atoll.model.view.MoveOutcome;
import dev.atoll.placement.rebalance.CloudLayout;
import dev.atoll.placement.rebalance.LoadSample;
import dev.atoll.placement.rebalance.Loads;
import dev.atoll.placement.rebalance.Move;
import dev.atoll.placement.rebalance.NeighbourScheduler;
import dev.atoll.placement.rebalance.NodeEvent;
import dev.atoll.placement.rebalance.Overloads;
import dev.atoll.placement.rebalance.Resolution;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A site's cooperative rebalancer (DVMS): the thin shell around the pure deciders. It keeps the
 * measured use its nodes' agents send, and every {@link RebalanceSettings#period} it detects the
 * overloaded nodes ({@link Overloads#detect}), resolves each in a partition of neighbours ({@link
 * NeighbourScheduler}: the other nodes of this site first, then the nearest sites by RTT, see {@link
 * Neighbourhood}) and asks the home of every replica to move (the mover, which re-checks the
 * destination on its exact state). Drains are not its business: the mover already moves a
 * draining node's replicas off.
 *
 * <p>What it guarantees: partitions never overlap, across sites too. The nodes of this site that a
 * partition holds, this site's or another's, are in one registry ({@link SiteController#nodeClaims});
 * a partition that reaches other sites asks each of them to hold its nodes there ({@link NodeClaim})
 * and asks the homes to move only once every site granted; one refusal releases what was held and
 * the event is judged again next round. A partition is held until its moves left the node or {@link
 * RebalanceSettings#partitionHold} passed (each site counts that time itself). Should a hold be
 * lost (a new leader starts with none), the destination's offer check, on exact state, still
 * refuses a copy that does not fit: a move can be lost, never a capacity or hard constraint broken.
 */
public final class SiteRebalancer implements AutoCloseable {
    /** Samples kept per node: a window of a minute at one sample a heartbeat, and some. */
    static final int MAX_SAMPLES_PER_NODE = 256;

    /** What one round of the rebalancer did, for counters and tests. */
    public record Round(long atMillis, List<Resolution> resolutions, List<Move> requested) {
        public Round {
            resolutions = List.copyOf(resolutions);
            requested = List.copyOf(requested);
        }
    }

    /** Counts since start. */
    public record Stats(
            long overloadsDetected,
            long resolved,
            long waiting,
            long unresolvable,
            long movesRequested,
            long movesStarted,
            long movesRefused,
            long claimsRefused) {}

    /** A partition held: until when, its overloaded node, the replicas it moves, the other sites holding nodes for it. */
    private record Held(long untilMillis, String origin, Set<String> moving, Set<String> otherSites) {}

    private final SiteController controller;
    private final RebalanceSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final HomeMoves homes;
    private final long seed;
    private final Map<String, ArrayDeque<LoadSample>> samples = new TreeMap<>();
    private final Map<String, Held> held = new TreeMap<>();
    /**
     * The same services' replicas at other sites, as last asked ({@link SiteController#replicasElsewhere}):
     * pinned in the layout, so a move does not break spread or anti-affinity with them. Asked again
     * each round once what is kept is older than {@link #ELSEWHERE_MAX_AGE_MS} (what is kept serves
     * meanwhile); an overload seen before the first answer waits for it.
     */
    private Map<String, Map<String, dev.atoll.control.federation.ReplicaStatus>> elsewhere; // null: no answer yet

    private long elsewhereAt;
    private boolean askingElsewhere;
    static final long ELSEWHERE_MAX_AGE_MS = 30_000;
    private Consumer<Round> roundListener = r -> {};
    private ScheduledFuture<?> task;
    private volatile boolean closed;
    private long rounds;
    private long overloadsDetected, resolved, waiting, unresolvable, movesRequested, claimsRefused;
    // Counted when the home answers, on whichever thread that is.
    private final java.util.concurrent.atomic.AtomicLong movesStarted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong movesRefused = new java.util.concurrent.atomic.AtomicLong();

    /** Listens to the controller's nodes at once (before or after the controller starts). */
    public SiteRebalancer(
            SiteController controller,
            RebalanceSettings settings,
            Clock clock,
            ScheduledExecutorService loop,
            HomeMoves homes,
            long seed) {
        this.controller = controller;
        this.settings = settings;
        this.clock = clock;
        this.loop = loop;
        this.homes = homes;
        this.seed = seed;
        if (settings.enabled()) controller.onNodeUsage(this::heard);
    }

    /** Called with every round that decided something (tests, the simulator's log). */
    public SiteRebalancer onRound(Consumer<Round> listener) {
        this.roundListener = listener;
        return this;
    }

    /** Starts looking every period; does nothing when the settings say off. */
    public SiteRebalancer start() {
        if (!settings.enabled()) return this;
        long period = settings.period().toMillis();
        task = loop.scheduleWithFixedDelay(this::safeTick, period, period, TimeUnit.MILLISECONDS);
        return this;
    }

    /** A node's agent measured its use; stamped with the site's clock. */
    void heard(String node, NodeUsage usage) {
        if (closed) return;
        String id = controller.site().name() + "/" + node;
        long now = clock.millis();
        synchronized (samples) {
            ArrayDeque<LoadSample> window = samples.computeIfAbsent(id, k -> new ArrayDeque<>());
            window.addLast(new LoadSample(id, now, usage.used()));
            long keepFrom = now
                    - settings.policy().windowMillis()
                    - 2 * settings.period().toMillis();
            while (window.size() > MAX_SAMPLES_PER_NODE
                    || (!window.isEmpty() && window.peekFirst().atMillis() < keepFrom)) window.pollFirst();
        }
    }

    private void safeTick() {
        if (closed) return;
        try {
            tick();
        } catch (RuntimeException e) {
            // A lost leadership or a closed group: the next round tries again.
        }
    }

    /** One round: release what is done, detect, resolve, ask the homes. */
    public Round tick() {
        long now = clock.millis();
        rounds++;
        var self = controller.site();
        Set<String> dead = controller.deadSites();
        Map<String, Long> rtt = controller.rttMicrosToOtherSites();
        var summaries = controller.knownSummaries();
        record Seen(CloudLayout layout, Map<String, String> homes, Set<String> departing) {}
        var pinnedFrom = elsewhere == null
                ? Map.<String, Map<String, dev.atoll.control.federation.ReplicaStatus>>of()
                : elsewhere;
        Seen seen = controller.read(state -> {
            Set<String> closedHere = new TreeSet<>(state.downNodes());
            closedHere.addAll(state.drainingNodes());
            for (String node : state.nodes().keySet())
                if (controller.health(node) != NodeLiveness.Health.ALIVE) closedHere.add(node);
            Map<String, String> homeOf = new HashMap<>();
            for (SiteState.PlacedInstance i : state.instances().values()) homeOf.put(i.id().key(), i.homeSite());
            return new Seen(
                    Neighbourhood.of(self, state, closedHere, summaries, rtt, dead, settings.nearestSites())
                            .withPinned(Neighbourhood.replicasElsewhere(self, state, pinnedFrom, dead)),
                    homeOf,
                    Set.copyOf(state.departing().keySet()));
        });
        CloudLayout layout = seen.layout();
        releaseDone(layout, seen.departing(), now);
        List<LoadSample> all = new ArrayList<>();
        Map<String, dev.atoll.model.Resources> latest = new LinkedHashMap<>();
        synchronized (samples) {
            for (var window : samples.values()) {
                all.addAll(window);
                if (!window.isEmpty())
                    latest.put(window.peekLast().nodeId(), window.peekLast().used());
            }
        }
        boolean neverAnswered = elsewhere == null;
        askElsewhereIfOld(now);
        List<NodeEvent> events = new ArrayList<>();
        for (NodeEvent.Overload o : Overloads.detect(layout, all, settings.policy(), now)) {
            // A node whose partition is still held has its moves under way: not again.
            if (held.containsKey(NeighbourScheduler.owner(o))) continue;
            if (!o.nodeId().startsWith(self.name() + "/")) continue;
            events.add(o);
        }
        if (events.isEmpty()) return new Round(now, List.of(), List.of());
        overloadsDetected += events.size();
        if (neverAnswered) {
            // Judged next round, beside the replicas elsewhere; a move now could break their spread.
            waiting += events.size();
            return new Round(now, List.of(), List.of());
        }
        Loads loads = Loads.estimate(layout, latest);
        // RTTs as gossip measured them, where it did: the partition grows to the nearest sites first.
        var scheduler =
                new NeighbourScheduler(settings.policy(), controller.latencyModel(), settings.maxPartitionNodes());
        NeighbourScheduler.Round round = scheduler.resolveAll(
                events, layout, loads, controller.nodeClaims().current(), seed * 31 + rounds);
        List<Move> requested = new ArrayList<>();
        for (Resolution r : round.resolutions()) {
            switch (r) {
                case Resolution.Resolved ok -> {
                    resolved++;
                    if (holdAndAsk(ok.partition(), ok.moves(), now, seen.homes())) requested.addAll(ok.moves());
                }
                case Resolution.Unresolvable u -> {
                    unresolvable++;
                    if (!u.moves().isEmpty() && holdAndAsk(u.partition(), u.moves(), now, seen.homes())) {
                        requested.addAll(u.moves());
                    }
                }
                case Resolution.Waiting w -> waiting++;
            }
        }
        Round out = new Round(now, round.resolutions(), requested);
        roundListener.accept(out);
        return out;
    }

    private void askElsewhereIfOld(long now) {
        if (askingElsewhere || (elsewhere != null && now - elsewhereAt < ELSEWHERE_MAX_AGE_MS)) return;
        askingElsewhere = true;
        controller
                .replicasElsewhere()
                .whenComplete((seen, error) -> loop.execute(() -> {
                    askingElsewhere = false;
                    if (seen == null) return; // asked again at the next overload
                    elsewhere = seen;
                    elsewhereAt = clock.millis();
                }));
    }

    /**
     * Holds the partition's nodes (here at once, at other sites by asking them) and asks the homes to
     * move once all are held. Returns false when this site's own registry refused (another site's
     * partition took a node since the round began): nothing is held or asked then.
     */
    private boolean holdAndAsk(
            dev.atoll.placement.rebalance.Partition partition, List<Move> moves, long now, Map<String, String> homes) {
        String self = controller.site().name();
        String owner = partition.owner();
        long holdMillis = settings.partitionHold().toMillis();
        Map<String, List<String>> bySite = new TreeMap<>();
        for (String node : partition.nodes()) {
            bySite.computeIfAbsent(node.substring(0, node.indexOf('/')), k -> new ArrayList<>())
                    .add(node);
        }
        List<String> here = bySite.remove(self);
        if (here != null
                && !controller.nodeClaims().hold(owner, here, holdMillis).granted()) {
            claimsRefused++;
            return false;
        }
        Set<String> moving = new TreeSet<>();
        for (Move m : moves) moving.add(m.id().key());
        held.put(owner, new Held(now + holdMillis, partition.origin(), moving, Set.copyOf(bySite.keySet())));
        if (bySite.isEmpty()) {
            for (Move m : moves) ask(homes.get(m.id().key()), self, m);
            return true;
        }
        var answers = new ArrayList<CompletableFuture<NodeClaim.Answer>>();
        bySite.forEach((site, nodes) -> answers.add(controller
                .claimNodesAt(site, new NodeClaim(owner, nodes, holdMillis))
                .exceptionally(e -> NodeClaim.Answer.refused("site " + site + " did not answer"))));
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> loop.execute(() -> {
                    if (closed || !held.containsKey(owner)) return;
                    if (answers.stream().allMatch(a -> a.join().granted())) {
                        for (Move m : moves) ask(homes.get(m.id().key()), self, m);
                    } else {
                        // The event is judged again next round, with what is held then.
                        claimsRefused++;
                        release(owner, held.remove(owner));
                    }
                }));
        return true;
    }

    /** Lets go of what the partition held, here and at the other sites. */
    private void release(String owner, Held h) {
        controller.nodeClaims().release(owner);
        if (h == null) return;
        for (String site : h.otherSites()) {
            controller.releaseNodesAt(site, owner).exceptionally(e -> null); // their hold times out anyway
        }
    }

    /**
     * Partitions whose replicas all left their node, their original copies stopped too (or whose
     * time is up), are released; the node's samples from before are dropped, so that it is judged
     * again only on a whole window measured without the replicas that left.
     */
    private void releaseDone(CloudLayout layout, Set<String> departing, long now) {
        for (var it = held.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Held h = e.getValue();
            boolean stillThere = false;
            if (layout.hasNode(h.origin())) {
                for (var i : layout.instancesOn(h.origin())) if (h.moving().contains(i.id().key())) stillThere = true;
            }
            for (String key : h.moving()) if (departing.contains(key)) stillThere = true;
            if (!stillThere || now >= h.untilMillis()) {
                release(e.getKey(), h);
                synchronized (samples) {
                    samples.remove(h.origin());
                }
                it.remove();
            }
        }
    }

    /** Asks the home; a cross-site move leaves the node to the destination site's exact state. */
    private void ask(String home, String self, Move move) {
        movesRequested++;
        Move sent = move.siteOnlyBetweenSites();
        if (home == null) {
            movesRefused.incrementAndGet();
            return;
        }
        homes.requestMove(home, sent).whenComplete((outcome, error) -> {
            if (error == null && outcome instanceof MoveOutcome.Started) movesStarted.incrementAndGet();
            else movesRefused.incrementAndGet();
        });
    }

    public Stats stats() {
        return new Stats(
                overloadsDetected,
                resolved,
                waiting,
                unresolvable,
                movesRequested,
                movesStarted.get(),
                movesRefused.get(),
                claimsRefused);
    }

    /** Which nodes of this site partitions hold now, this site's and other sites' (node id to owner). */
    public Map<String, String> held() {
        return controller.nodeClaims().current().owners();
    }

    @Override
    public void close() {
        closed = true;
        if (task != null) task.cancel(false);
    }
}
