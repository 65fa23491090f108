package dev.atoll.control.metrics;

import java.time.Duration;

/**
 * What a site's control plane tells its operator about as it happens: placements, offers, failure
 * detections. Control code stays free of any metrics library (it runs in the simulator, on virtual
 * time): it calls this small sink, and the process binds it to its meters (atoll-api's
 * {@code MicrometerControlMetrics}). Every call is cheap, never blocks and never throws; labels come
 * from small closed sets ({@link OfferOutcome}, {@link Detection}) so that a scrape stays bounded.
 */
public interface ControlMetrics {
    /**
     * A home recorded where a replica runs, {@code latency} after it was asked for: since the deploy
     * (or scale) that wanted it was accepted, or, for a replica placed again, since the home set out
     * to place it.
     */
    void placed(String site, PlacementKind kind, Duration latency);

    /** A home found no site for a replica and recorded it unplaceable. */
    void unplaceable(String site);

    /** A home heard a target's answer to one of its offers ({@code reason} is NONE when accepted). */
    void offerAnswered(String homeSite, OfferOutcome outcome);

    /** A target answered an offer of a home. */
    void offerHandled(String targetSite, OfferOutcome outcome);

    /** The site noticed a failure. */
    void detected(String site, Detection detection);

    /** Why a replica is placed: wanted by a deploy or scale, or placed again (lost node or site, rollout). */
    enum PlacementKind {
        DEPLOY("deploy"),
        REPLACE("replace");

        private final String label;

        PlacementKind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The failures a site detects. */
    enum Detection {
        /** A node's agent missed its heartbeats for a while. */
        NODE_SUSPECTED("node-suspected"),
        /** A suspected node stayed silent and was declared down; its replicas are placed again. */
        NODE_DOWN("node-down"),
        /** Gossip declared another site dead. */
        SITE_LOST("site-lost");

        private final String label;

        Detection(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Nothing is counted: tests and the simulator. */
    ControlMetrics NONE = new ControlMetrics() {
        @Override
        public void placed(String site, PlacementKind kind, Duration latency) {}

        @Override
        public void unplaceable(String site) {}

        @Override
        public void offerAnswered(String homeSite, OfferOutcome outcome) {}

        @Override
        public void offerHandled(String targetSite, OfferOutcome outcome) {}

        @Override
        public void detected(String site, Detection detection) {}
    };
}
