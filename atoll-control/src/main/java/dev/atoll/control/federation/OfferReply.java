package dev.atoll.control.federation;

import dev.atoll.control.metrics.OfferOutcome;

/** A target site's answer to an {@link Offer}: reserved on a node, or why not. */
public sealed interface OfferReply {
    /** @param migrateTo for an offer to migrate: host:port where the new copy waits for the memory, else null */
    record Accepted(String site, String node, String migrateTo) implements OfferReply {
        public Accepted(String site, String node) {
            this(site, node, null);
        }
    }

    /**
     * @param reason what a user reads
     * @param kind the reason as counted (a closed set, for metrics); never {@link OfferOutcome#ACCEPTED}
     */
    record Rejected(String site, String reason, OfferOutcome kind) implements OfferReply {
        public Rejected {
            if (kind == null || kind.accepted()) kind = OfferOutcome.OTHER;
        }

        /** A refusal of no particular kind. */
        public Rejected(String site, String reason) {
            this(site, reason, OfferOutcome.OTHER);
        }
    }

    /** What this answer counts as. */
    default OfferOutcome outcome() {
        return switch (this) {
            case Accepted a -> OfferOutcome.ACCEPTED;
            case Rejected r -> r.kind();
        };
    }
}
