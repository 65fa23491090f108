package dev.atoll.control.federation;

/** A target site's answer to an {@link Offer}: reserved on a node, or why not. */
public sealed interface OfferReply {
    record Accepted(String site, String node) implements OfferReply {}

    record Rejected(String site, String reason) implements OfferReply {}
}
