package dev.atoll.control.gossip;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Measures the round-trip time to other sites by echo and keeps a smoothed figure per site, for
 * placement's measured latency map. A site that does not answer within the echo's own timeout is
 * reported unreachable once, until it answers again.
 *
 * <p>Each round probes at most {@code probesPerRound} sites, taking turns, so the cost per site
 * stays flat as the cloud grows: with 100 sites and 8 per round each figure is refreshed about
 * every 12 rounds, which is plenty for a smoothed value.
 */
public final class RttProbe implements AutoCloseable {

    /**
     * The weight of a new sample, as in TCP's smoothed RTT (RFC 6298): one noisy sample moves the
     * figure by an eighth, a lasting change shows within a dozen samples.
     */
    public static final double SMOOTHING = 0.125;

    /** Sends one echo to a site; completes when the answer arrives, exceptionally when it does not. */
    @FunctionalInterface
    public interface Echo {
        CompletionStage<?> send(String site);
    }

    private final Echo echo;
    private final Supplier<Set<String>> sites;
    private final Clock clock;
    private final int probesPerRound;
    private final Consumer<String> onUnreachable;
    private final Map<String, Double> smoothedMs = new ConcurrentHashMap<>();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    private int nextTurn;
    private ScheduledFuture<?> rounds;

    /**
     * @param echo how one site is probed
     * @param sites the sites to probe, read at every round
     * @param clock the time source for the measurement; it needs sub-millisecond resolution
     *     (Clock.systemUTC() has microseconds on current JDKs)
     * @param probesPerRound the most sites probed in one round
     * @param onUnreachable told the name of a site whose echo failed, once per episode
     */
    public RttProbe(
            Echo echo, Supplier<Set<String>> sites, Clock clock, int probesPerRound, Consumer<String> onUnreachable) {
        this.echo = echo;
        this.sites = sites;
        this.clock = clock;
        this.probesPerRound = probesPerRound;
        this.onUnreachable = onUnreachable;
    }

    /** Probes every {@code interval} on the given scheduler until closed. */
    public synchronized void start(ScheduledExecutorService scheduler, Duration interval) {
        if (rounds != null) throw new IllegalStateException("already started");
        long ms = interval.toMillis();
        rounds = scheduler.scheduleWithFixedDelay(this::probeRound, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** The smoothed round-trip time in milliseconds to each site measured so far. */
    public Map<String, Double> rttMs() {
        return Map.copyOf(smoothedMs);
    }

    /** Starts the echoes of one round; their answers arrive later. */
    public synchronized void probeRound() {
        List<String> targets = new ArrayList<>(sites.get());
        targets.sort(null);
        smoothedMs.keySet().retainAll(targets);
        unreachable.retainAll(targets);
        if (targets.isEmpty()) return;
        int count = Math.min(probesPerRound, targets.size());
        for (int i = 0; i < count; i++) {
            probe(targets.get(Math.floorMod(nextTurn + i, targets.size())));
        }
        nextTurn = Math.floorMod(nextTurn + count, targets.size());
    }

    private void probe(String site) {
        Instant sent = clock.instant();
        CompletionStage<?> answer;
        try {
            answer = echo.send(site);
        } catch (RuntimeException e) {
            failed(site);
            return;
        }
        answer.whenComplete((ignored, error) -> {
            if (error != null) {
                failed(site);
            } else {
                answered(site, Duration.between(sent, clock.instant()).toNanos() / 1_000_000.0);
            }
        });
    }

    private void answered(String site, double sampleMs) {
        unreachable.remove(site);
        smoothedMs.merge(site, sampleMs, (old, sample) -> old + SMOOTHING * (sample - old));
    }

    private void failed(String site) {
        if (unreachable.add(site)) onUnreachable.accept(site);
    }

    @Override
    public synchronized void close() {
        if (rounds != null) rounds.cancel(false);
    }
}
