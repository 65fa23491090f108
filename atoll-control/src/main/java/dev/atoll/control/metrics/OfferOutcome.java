package dev.atoll.control.metrics;

import java.util.Arrays;

/**
 * An offer's answer as counted: accepted, or rejected for one of a few reasons. The reason a user
 * reads stays a sentence ({@code OfferReply.Rejected.reason}); this is its kind, carried beside it
 * on the wire ({@code SiteCalls.OfferAnswer.code}) so that the home counts what the target knew.
 */
public enum OfferOutcome {
    ACCEPTED("accepted", "none"),
    /** No node of the target fits the replica (resources, slots, drivers, tags, anti-affinity). */
    NO_FIT("rejected", "no-fit"),
    /** The chosen node filled up before the reservation was committed (another offer won). */
    NO_ROOM("rejected", "no-room"),
    /** The target knows a stronger home for the environment (a buddy adopted it). */
    NOT_HOME("rejected", "not-home"),
    /** The target already runs a newer generation of the replica. */
    SUPERSEDED("rejected", "superseded"),
    /** The target could not commit the reservation in its log. */
    NOT_COMMITTED("rejected", "not-committed"),
    /** The target did not answer (down, cut off, too slow). */
    NO_ANSWER("rejected", "no-answer"),
    /** Any other refusal (also: a target that sends no code). */
    OTHER("rejected", "other");

    private final String outcome;
    private final String reason;

    OfferOutcome(String outcome, String reason) {
        this.outcome = outcome;
        this.reason = reason;
    }

    /** "accepted" or "rejected". */
    public String outcome() {
        return outcome;
    }

    /** The label of the reason: "none" when accepted. */
    public String reason() {
        return reason;
    }

    public boolean accepted() {
        return this == ACCEPTED;
    }

    /** The outcome named by a reason label; {@link #OTHER} for a code this version does not know. */
    public static OfferOutcome ofReason(String reason) {
        if (reason == null) return OTHER;
        return Arrays.stream(values())
                .filter(o -> o.reason.equals(reason))
                .findFirst()
                .orElse(OTHER);
    }
}
