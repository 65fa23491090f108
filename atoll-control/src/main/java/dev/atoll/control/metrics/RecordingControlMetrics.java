package dev.atoll.control.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts in memory what a site's control plane reports: for tests, and for callers that read
 * counters rather than scrape them. Thread-safe; keys are "site|label".
 */
public final class RecordingControlMetrics implements ControlMetrics {
    /** One placement as recorded. */
    public record Placement(String site, PlacementKind kind, Duration latency) {}

    private final List<Placement> placements = new ArrayList<>();
    private final Map<String, AtomicLong> unplaceable = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> answered = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> handled = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> detected = new ConcurrentHashMap<>();

    @Override
    public void placed(String site, PlacementKind kind, Duration latency) {
        synchronized (placements) {
            placements.add(new Placement(site, kind, latency));
        }
    }

    @Override
    public void unplaceable(String site) {
        bump(unplaceable, site);
    }

    @Override
    public void offerAnswered(String homeSite, OfferOutcome outcome) {
        bump(answered, homeSite + "|" + outcome.reason());
    }

    @Override
    public void offerHandled(String targetSite, OfferOutcome outcome) {
        bump(handled, targetSite + "|" + outcome.reason());
    }

    @Override
    public void detected(String site, Detection detection) {
        bump(detected, site + "|" + detection.label());
    }

    private static void bump(Map<String, AtomicLong> counts, String key) {
        counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    private static long count(Map<String, AtomicLong> counts, String key) {
        AtomicLong n = counts.get(key);
        return n == null ? 0 : n.get();
    }

    public List<Placement> placements() {
        synchronized (placements) {
            return List.copyOf(placements);
        }
    }

    /** Replicas a home recorded unplaceable. */
    public long unplaceableCount(String site) {
        return count(unplaceable, site);
    }

    /** Answers a home heard to its offers with this outcome. */
    public long offersAnswered(String homeSite, OfferOutcome outcome) {
        return count(answered, homeSite + "|" + outcome.reason());
    }

    /** Offers a target answered with this outcome. */
    public long offersHandled(String targetSite, OfferOutcome outcome) {
        return count(handled, targetSite + "|" + outcome.reason());
    }

    public long detections(String site, Detection detection) {
        return count(detected, site + "|" + detection.label());
    }
}
