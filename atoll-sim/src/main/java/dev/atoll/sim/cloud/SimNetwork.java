package dev.atoll.sim.cloud;

import dev.atoll.sim.engine.SimScheduler;
import dev.atoll.sim.scenario.SiteLatency;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The network between simulated sites: every call takes the one-way delay of the scenario's
 * latency there and back, may be lost (then the caller hears nothing until its timeout), and does
 * not cross a partition or reach a crashed site. Gossip membership is modelled here too: a site
 * that another cannot reach is given up for dead by it once the separation has lasted {@link
 * #DETECTION}, about what SWIM's suspicion takes with the production gossip timings.
 */
public final class SimNetwork {
    /** How long a caller waits for an answer that never comes. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);
    /** How long gossip takes to give up a site that stopped answering. */
    public static final Duration DETECTION = Duration.ofSeconds(2);

    private final SimScheduler scheduler;
    /** Where the network's own timers run: outside every site. */
    private final SimScheduler.Lane lane;
    /** Per site (by index), where messages arriving there and answers coming back to it run: its group. */
    private final SimScheduler.Lane[] arrivals;

    private final Map<String, Integer> indexOf = new HashMap<>();
    private final SiteLatency latency;
    private final double loss;
    /** Per site, what decides which of the messages it sends are lost: its own sequence of draws. */
    private final SplittableRandom[] randoms;

    private final List<String> sites;

    private final Set<String> down = new java.util.HashSet<>();
    private final Map<String, Integer> partitionOf = new HashMap<>();
    private final Map<String, Long> changedAtNanos = new HashMap<>();
    private final Map<String, Long> extraMicros = new HashMap<>();
    private int nextPartition = 1;

    /** Bumped whenever who-sees-whom-dead may change; the views below are cached against it. */
    private long version;

    // Asked by every site, from whichever thread runs it.
    private final Map<String, CachedDead> deadCache = new java.util.concurrent.ConcurrentHashMap<>();

    private record CachedDead(long version, Set<String> dead) {}

    public SimNetwork(SimScheduler scheduler, SiteLatency latency, double loss, long seed, List<String> sites) {
        this.scheduler = scheduler;
        this.lane = scheduler.lane("network");
        this.latency = latency;
        this.loss = loss;
        this.sites = List.copyOf(sites);
        this.arrivals = new SimScheduler.Lane[this.sites.size()];
        this.randoms = new SplittableRandom[this.sites.size()];
        SplittableRandom seeds = new SplittableRandom(seed ^ 0x6E6574L);
        for (int i = 0; i < this.sites.size(); i++) {
            indexOf.put(this.sites.get(i), i);
            arrivals[i] = scheduler.lane("network " + this.sites.get(i), i);
            randoms[i] = seeds.split();
        }
        // No message between two sites is faster than the nearest two: how far the sites may run apart.
        long least = Long.MAX_VALUE;
        for (int a = 0; a < this.sites.size(); a++) {
            for (int b = a + 1; b < this.sites.size(); b++) {
                long micros = Math.min(
                        latency.oneWayMicros(this.sites.get(a), this.sites.get(b)),
                        latency.oneWayMicros(this.sites.get(b), this.sites.get(a)));
                least = Math.min(least, micros);
            }
        }
        if (least != Long.MAX_VALUE) scheduler.limitLookahead(Math.max(1, least) * 1000);
    }

    /** The scheduler group of {@code site}'s lanes: its index among the sites. */
    public int groupOf(String site) {
        Integer i = indexOf.get(site);
        if (i == null) throw new IllegalArgumentException("no site " + site);
        return i;
    }

    public List<String> sites() {
        return sites;
    }

    public boolean isUp(String site) {
        return !down.contains(site);
    }

    /** Whether a message from {@code a} reaches {@code b} now. */
    public boolean reaches(String a, String b) {
        if (down.contains(a) || down.contains(b)) return false;
        if (a.equals(b)) return true;
        return partitionOf.getOrDefault(a, 0).equals(partitionOf.getOrDefault(b, 0));
    }

    public void crash(String site) {
        down.add(site);
        changed(Set.of(site));
    }

    public void restore(String site) {
        down.remove(site);
        changed(Set.of(site));
    }

    /** Cuts {@code group} off from every other site; inside the group they still reach each other. */
    public void partition(Set<String> group) {
        int id = nextPartition++;
        for (String s : group) partitionOf.put(s, id);
        changed(group);
    }

    public void heal(Set<String> group) {
        for (String s : group) partitionOf.remove(s);
        changed(group);
    }

    public void slowLink(String a, String b, long extraMillis) {
        extraMicros.put(linkKey(a, b), extraMillis * 1000);
    }

    public void restoreLink(String a, String b) {
        extraMicros.remove(linkKey(a, b));
    }

    private static String linkKey(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    private void changed(Set<String> sitesChanged) {
        long now = scheduler.nowNanos();
        for (String s : sitesChanged) changedAtNanos.put(s, now);
        version++;
        // Views change again when the separation has lasted long enough to be believed.
        lane.schedule(this::bump, DETECTION.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void bump() {
        version++;
    }

    /** One-way delay from {@code a} to {@code b} in nanoseconds, slow links included. */
    public long delayNanos(String a, String b) {
        long micros = latency.oneWayMicros(a, b);
        if (!extraMicros.isEmpty()) micros += extraMicros.getOrDefault(linkKey(a, b), 0L);
        return micros * 1000;
    }

    /** The sites {@code viewer} gives up for dead now: cut off from it for at least {@link #DETECTION}. */
    public Set<String> deadSeenFrom(String viewer) {
        CachedDead cached = deadCache.get(viewer);
        if (cached != null && cached.version == version) return cached.dead;
        Set<String> dead;
        if (down.isEmpty() && partitionOf.isEmpty()) {
            dead = Set.of();
        } else {
            long now = scheduler.nowNanos();
            long viewerChanged = changedAtNanos.getOrDefault(viewer, Long.MIN_VALUE / 2);
            Set<String> found = new TreeSet<>();
            for (String s : sites) {
                if (s.equals(viewer) || reaches(viewer, s)) continue;
                long since = Math.max(viewerChanged, changedAtNanos.getOrDefault(s, Long.MIN_VALUE / 2));
                if (now - since >= DETECTION.toNanos()) found.add(s);
            }
            dead = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(found));
        }
        deadCache.put(viewer, new CachedDead(version, dead));
        return dead;
    }

    /**
     * Sends a call from {@code from} to {@code to}: {@code handler} runs at the target after the
     * one-way delay, and its answer comes back after the delay the other way. A lost message, an
     * unreachable target or a handler that cannot run fails the call after {@link #CALL_TIMEOUT}.
     */
    public <T> CompletableFuture<T> call(String from, String to, Supplier<CompletableFuture<T>> handler) {
        if (from.equals(to)) return invoke(handler);
        CompletableFuture<T> result = new CompletableFuture<>();
        long sentAt = scheduler.nowNanos();
        int source = groupOf(from);
        int target = groupOf(to);
        if (!reaches(from, to) || lost(source)) {
            timeOut(result, from, to, sentAt);
            return result;
        }
        // The message runs in the target's group, its answer back in the caller's.
        arrivals[target].schedule(
                () -> {
                    if (!reaches(from, to)) {
                        timeOut(result, from, to, sentAt);
                        return;
                    }
                    invoke(handler).whenComplete((value, error) -> {
                        if (!reaches(to, from) || lost(target)) {
                            timeOut(result, from, to, sentAt);
                            return;
                        }
                        arrivals[source].schedule(
                                () -> {
                                    if (error != null) result.completeExceptionally(error);
                                    else result.complete(value);
                                },
                                delayNanos(to, from),
                                TimeUnit.NANOSECONDS);
                    });
                },
                delayNanos(from, to),
                TimeUnit.NANOSECONDS);
        return result;
    }

    private boolean lost(int sender) {
        return loss > 0 && randoms[sender].nextDouble() < loss;
    }

    private void timeOut(CompletableFuture<?> result, String from, String to, long sentAt) {
        // Also decided at the target: never sooner than a message could get back from there (any
        // two sites that call each other are at least the lookahead apart).
        long remaining = Math.max(
                Math.min(scheduler.lookaheadNanos(), CALL_TIMEOUT.toNanos()),
                sentAt + CALL_TIMEOUT.toNanos() - scheduler.nowNanos());
        arrivals[groupOf(from)].schedule(
                () -> result.completeExceptionally(new java.util.concurrent.TimeoutException(
                        "site " + to + " did not answer site " + from + " within " + CALL_TIMEOUT.toMillis() + " ms")),
                remaining,
                TimeUnit.NANOSECONDS);
    }

    private static <T> CompletableFuture<T> invoke(Supplier<CompletableFuture<T>> handler) {
        try {
            return handler.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
