package dev.atoll.control.federation;

import java.util.List;
import java.util.Objects;

/**
 * A partition of one site asks another to hold some of its nodes (DVMS: partitions never overlap, across sites too):
 * {@code owner} names the event ({@code overload:london/n1}), {@code nodes} are node ids of the asked site
 * ({@code paris/n3}), held for {@code holdMillis} by the asked site's clock unless released before.
 */
public record NodeClaim(String owner, List<String> nodes, long holdMillis) {
    public NodeClaim {
        Objects.requireNonNull(owner, "owner");
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) throw new IllegalArgumentException("a claim names at least one node");
        if (holdMillis <= 0) throw new IllegalArgumentException("a claim is held for some time: " + holdMillis);
    }

    /** The asked site's answer: granted (every node held for the owner), or refused naming who holds what. */
    public record Answer(boolean granted, String reason) {
        public static final Answer GRANTED = new Answer(true, "");

        public static Answer refused(String reason) {
            return new Answer(false, reason);
        }
    }
}
