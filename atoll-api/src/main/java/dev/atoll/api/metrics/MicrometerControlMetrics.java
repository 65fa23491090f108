package dev.atoll.api.metrics;

import dev.atoll.control.metrics.ControlMetrics;
import dev.atoll.control.metrics.OfferOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The control plane's counts as Prometheus meters, every one labelled with the site that counted
 * it (one process may run several sites: {@code atoll dev}).
 *
 * <ul>
 *   <li>{@code atoll_placement_seconds{site,kind}} (histogram): from a replica wanted to placed;
 *       kind {@code deploy} (since its deploy or scale was accepted) or {@code replace}.
 *   <li>{@code atoll_placements_unplaceable_total{site}}: replicas a home found no site for.
 *   <li>{@code atoll_offers_total{site,outcome,reason}}: answers a home got to its offers.
 *   <li>{@code atoll_offers_received_total{site,outcome,reason}}: offers a target answered.
 *   <li>{@code atoll_failure_detections_total{site,kind}}: node-suspected, node-down, site-lost.
 * </ul>
 */
public final class MicrometerControlMetrics implements ControlMetrics {
    /** Placement latencies worth telling apart: a fast deploy is tens of ms, a lost site seconds. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60)
    };

    private final MeterRegistry registry;

    public MicrometerControlMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Registers every series of {@code site} at zero, so a dashboard (and {@code rate()}) sees a
     * counter from the start rather than from its first increment.
     */
    public MicrometerControlMetrics forSite(String site) {
        for (PlacementKind kind : PlacementKind.values()) placement(site, kind);
        unplaceableCounter(site);
        for (OfferOutcome outcome : OfferOutcome.values()) {
            offers(site, outcome);
            received(site, outcome);
        }
        for (Detection detection : Detection.values()) detections(site, detection);
        return this;
    }

    private Timer placement(String site, PlacementKind kind) {
        return Timer.builder("atoll.placement")
                .description(
                        "Replicas placed by a home: from wanted (deploy accepted, or set out to place again) to placed")
                .tags("site", site, "kind", kind.label())
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    private Counter unplaceableCounter(String site) {
        return Counter.builder("atoll.placements.unplaceable")
                .description("Replicas a home found no site for")
                .tag("site", site)
                .register(registry);
    }

    private Counter offers(String site, OfferOutcome outcome) {
        return Counter.builder("atoll.offers")
                .description("Answers a home got to its offers, by outcome and reason")
                .tags("site", site, "outcome", outcome.outcome(), "reason", outcome.reason())
                .register(registry);
    }

    private Counter received(String site, OfferOutcome outcome) {
        return Counter.builder("atoll.offers.received")
                .description("Offers this site answered as a target, by outcome and reason")
                .tags("site", site, "outcome", outcome.outcome(), "reason", outcome.reason())
                .register(registry);
    }

    private Counter detections(String site, Detection detection) {
        return Counter.builder("atoll.failure.detections")
                .description("Failures a site detected: node suspected, node down, site lost")
                .tags("site", site, "kind", detection.label())
                .register(registry);
    }

    @Override
    public void placed(String site, PlacementKind kind, Duration latency) {
        placement(site, kind).record(latency);
    }

    @Override
    public void unplaceable(String site) {
        unplaceableCounter(site).increment();
    }

    @Override
    public void offerAnswered(String homeSite, OfferOutcome outcome) {
        offers(homeSite, outcome).increment();
    }

    @Override
    public void offerHandled(String targetSite, OfferOutcome outcome) {
        received(targetSite, outcome).increment();
    }

    @Override
    public void detected(String site, Detection detection) {
        detections(site, detection).increment();
    }
}
