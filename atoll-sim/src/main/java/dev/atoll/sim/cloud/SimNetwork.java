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
    private final SimScheduler.Lane lane;
    private final SiteLatency latency;
    private final double loss;
    private final SplittableRandom random;
    private final List<String> sites;

    private final Set<String> down = new java.util.HashSet<>();
    private final Map<String, Integer> partitionOf = new HashMap<>();
    private final Map<String, Long> changedAtNanos = new HashMap<>();
    private final Map<String, Long> extraMicros = new HashMap<>();
    private int nextPartition = 1;

    /** Bumped whenever who-sees-whom-dead may change; the views below are cached against it. */
    private long version;

    private final Map<String, CachedDead> deadCache = new HashMap<>();

    private record CachedDead(long version, Set<String> dead) {}

    public SimNetwork(SimScheduler scheduler, SiteLatency latency, double loss, long seed, List<String> sites) {
        this.scheduler = scheduler;
        this.lane = scheduler.lane("network");
        this.latency = latency;
        this.loss = loss;
        this.random = new SplittableRandom(seed ^ 0x6E6574L);
        this.sites = List.copyOf(sites);
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
        if (!reaches(from, to) || lost()) {
            timeOut(result, from, to, sentAt);
            return result;
        }
        lane.schedule(
                () -> {
                    if (!reaches(from, to)) {
                        timeOut(result, from, to, sentAt);
                        return;
                    }
                    invoke(handler).whenComplete((value, error) -> {
                        if (!reaches(to, from) || lost()) {
                            timeOut(result, from, to, sentAt);
                            return;
                        }
                        lane.schedule(
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

    private boolean lost() {
        return loss > 0 && random.nextDouble() < loss;
    }

    private void timeOut(CompletableFuture<?> result, String from, String to, long sentAt) {
        long remaining = Math.max(0, sentAt + CALL_TIMEOUT.toNanos() - scheduler.nowNanos());
        lane.schedule(
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
