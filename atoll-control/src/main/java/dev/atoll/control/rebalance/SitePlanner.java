package dev.atoll.control.rebalance;

import dev.atoll.control.cloud.SitePlans;
import dev.atoll.control.federation.ReplicaStatus;
import dev.atoll.control.site.NodeLiveness;
import dev.atoll.control.site.SiteController;
import dev.atoll.control.site.SiteState;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.model.view.MoveOutcome;
import dev.atoll.model.view.PlanView;
import dev.atoll.placement.rebalance.CloudLayout;
import dev.atoll.placement.rebalance.Move;
import dev.atoll.placement.rebalance.Plan;
import dev.atoll.placement.rebalance.PlanReport;
import dev.atoll.placement.rebalance.optimizer.BackgroundOptimizer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A site's background optimizer, the thin shell around {@link BackgroundOptimizer}: it works out a
 * {@link Plan} for the site's own placement (its nodes and the replicas on them, moves between its
 * nodes only; the same services' replicas at other sites pinned beside them, so that a service
 * spread over sites is judged whole, see {@link SiteController#replicasElsewhere}) and keeps it; when asked to apply it, it starts the plan's moves gradually, as the
 * {@link dev.atoll.placement.rebalance.MoveRateLimit} admits them, by asking each replica's home
 * (the mover checks every destination again on exact state, so a plan gone stale costs a refused
 * move, never a broken constraint). State (the kept plan, what is in flight) lives on the site's
 * loop; the solve runs on the executor given, never on the loop.
 */
public final class SitePlanner implements SitePlans, AutoCloseable {
    /** A move asked for, until it ends at its destination, is refused, or times out. */
    private record InFlight(Move move, long startedAtMillis) {}

    private final SiteController controller;
    private final PlanSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final Executor solver;
    private final HomeMoves homes;
    private final long seed;

    // Owned by the loop.
    private Plan kept;
    private Instant keptAt;
    /** The nearest sites the kept plan takes in (0: this site only), and the one being solved's. */
    private int keptRegion;

    private int solvingRegion;
    private CompletableFuture<Optional<PlanView>> solving;
    private boolean applying;
    private final List<Move> remaining = new ArrayList<>();
    private final List<InFlight> inFlight = new ArrayList<>();
    private final List<Long> startedAt = new ArrayList<>();
    private int applied;
    private long solves;
    private ScheduledFuture<?> ticker;
    private ScheduledFuture<?> periodic;
    private volatile boolean closed;

    public SitePlanner(
            SiteController controller,
            PlanSettings settings,
            Clock clock,
            ScheduledExecutorService loop,
            Executor solver,
            HomeMoves homes,
            long seed) {
        this.controller = controller;
        this.settings = settings;
        this.clock = clock;
        this.loop = loop;
        this.solver = solver;
        this.homes = homes;
        this.seed = seed;
    }

    /** Starts the periodic plan when the settings ask for one, and the ticker that applies plans. */
    public SitePlanner start() {
        ticker = loop.scheduleWithFixedDelay(this::safeTick, 1, 1, TimeUnit.SECONDS);
        if (settings.every() != null) {
            long ms = settings.every().toMillis();
            periodic = loop.scheduleWithFixedDelay(
                    () -> {
                        if (!applying && solving == null) solve(0);
                    },
                    ms,
                    ms,
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    @Override
    public CompletableFuture<Optional<PlanView>> plan(int nearestSites) {
        return onLoop(() -> {
            // A plan being applied is the plan, whatever scope is asked for, until it is done.
            if (kept != null && applying) return CompletableFuture.completedFuture(Optional.of(view()));
            boolean fresh = kept != null
                    && keptRegion == nearestSites
                    && !clock.instant().isAfter(keptAt.plus(settings.maxAge()));
            if (fresh) return CompletableFuture.completedFuture(Optional.of(view()));
            return solving != null && solvingRegion == nearestSites ? solving : solve(nearestSites);
        });
    }

    @Override
    public CompletableFuture<Optional<PlanView>> apply() {
        return onLoop(() -> {
            if (applying) return CompletableFuture.completedFuture(Optional.of(view()));
            CompletableFuture<Optional<PlanView>> ready = kept != null
                    ? CompletableFuture.completedFuture(Optional.of(view()))
                    : (solving != null ? solving : solve(0));
            return ready.thenApplyAsync(
                    v -> {
                        if (kept == null) return Optional.<PlanView>empty();
                        if (!applying) {
                            applying = !kept.isEmpty();
                            remaining.clear();
                            remaining.addAll(kept.moves());
                            applied = 0;
                        }
                        return Optional.of(view());
                    },
                    loop);
        });
    }

    /**
     * Works out a plan now (on the solver's executor) and keeps it; must run on the loop. The
     * layout is this site's nodes and replicas, with the same services' replicas at other sites
     * pinned beside them: they count for spread and anti-affinity, and only this site's move. A
     * region plan ({@code nearestSites} above 0) adds the nearest sites' nodes with the room their
     * summaries show free, so this site's replicas may move there (nearer their users, to greener
     * or cheaper energy) while every other site's replicas stay where they are.
     */
    private CompletableFuture<Optional<PlanView>> solve(int nearestSites) {
        var self = controller.site();
        long runSeed = seed * 31 + (++solves);
        Instant at = clock.instant();
        CompletableFuture<Optional<PlanView>> done = controller
                .replicasElsewhere()
                .thenApplyAsync(seen -> layout(self, seen, nearestSites), loop)
                .thenApplyAsync(
                        layout -> BackgroundOptimizer.propose(
                                BackgroundOptimizer.Request.wholeLayout(layout, runSeed, settings.moveLimit())),
                        solver)
                .thenApplyAsync(
                        plan -> {
                            solving = null;
                            if (!applying) {
                                kept = plan;
                                keptAt = at;
                                keptRegion = nearestSites;
                            }
                            return Optional.of(view());
                        },
                        loop);
        solving = done;
        solvingRegion = nearestSites;
        done.whenCompleteAsync(
                (v, e) -> {
                    if (e != null) solving = null;
                },
                loop);
        return done;
    }

    private CloudLayout layout(SiteInfo self, Map<String, Map<String, ReplicaStatus>> seen, int nearestSites) {
        Set<String> dead = controller.deadSites();
        var summaries = nearestSites == 0 ? List.<dev.atoll.placement.SiteSummary>of() : controller.knownSummaries();
        Map<String, Long> rtt = nearestSites == 0 ? Map.of() : controller.rttMicrosToOtherSites();
        return controller.read(state -> {
            Set<String> closed = new TreeSet<>(state.downNodes());
            closed.addAll(state.drainingNodes());
            for (String node : state.nodes().keySet())
                if (controller.health(node) != NodeLiveness.Health.ALIVE) closed.add(node);
            return Neighbourhood.of(self, state, closed, summaries, rtt, dead, nearestSites)
                    .withPinned(Neighbourhood.replicasElsewhere(self, state, seen, dead));
        });
    }

    private void safeTick() {
        if (closed || !applying) return;
        try {
            tick();
        } catch (RuntimeException e) {
            // Leadership lost or the group closed: the next tick tries again.
        }
    }

    /** Ends what finished, then starts what the rate limit admits. */
    private void tick() {
        long now = clock.millis();
        Map<String, SiteState.PlacedInstance> here = controller.read(state -> new HashMap<>(state.instances()));
        inFlight.removeIf(f -> {
            var at = here.get(f.move().id().key());
            boolean arrived = at == null || at.node().equals(f.move().to().node());
            return arrived
                    || now - f.startedAtMillis() >= settings.moveTimeout().toMillis();
        });
        List<Move> flying = inFlight.stream().map(InFlight::move).toList();
        for (Move m : settings.rate().admit(List.copyOf(remaining), flying, List.copyOf(startedAt), now)) {
            remaining.remove(m);
            startedAt.add(now);
            applied++;
            var replica = here.get(m.id().key());
            if (replica == null) continue;
            InFlight f = new InFlight(m, now);
            inFlight.add(f);
            homes.requestMove(replica.homeSite(), m.siteOnlyBetweenSites())
                    .whenCompleteAsync(
                            (outcome, error) -> {
                                // Refused (stale plan, already moving): the plan does not wait for it.
                                if (error != null || !(outcome instanceof MoveOutcome.Started)) inFlight.remove(f);
                            },
                            loop);
        }
        long windowStart = now - settings.rate().windowMillis();
        startedAt.removeIf(t -> t <= windowStart);
        if (remaining.isEmpty() && inFlight.isEmpty()) {
            applying = false;
            // A plan applied is spent: the next request works out a new one.
            kept = null;
        }
    }

    private PlanView view() {
        List<PlanView.PlannedMove> moves = new ArrayList<>();
        int k = 1;
        for (Move m : kept.moves()) {
            moves.add(new PlanView.PlannedMove(
                    k++,
                    m.id().tenant(),
                    m.id().environment(),
                    m.id().display(),
                    m.from().site() + "/" + m.from().node(),
                    m.to().site() + "/" + (m.to().node() == null ? "*" : m.to().node())));
        }
        return new PlanView(controller.site().name(), keptAt, applying, applied, moves, PlanReport.render(kept));
    }

    private <T> CompletableFuture<T> onLoop(java.util.function.Supplier<CompletableFuture<T>> work) {
        if (closed) return CompletableFuture.failedFuture(new IllegalStateException("the site's planner is closed"));
        return CompletableFuture.supplyAsync(work, loop).thenCompose(f -> f);
    }

    @Override
    public void close() {
        closed = true;
        if (ticker != null) ticker.cancel(false);
        if (periodic != null) periodic.cancel(false);
    }
}
