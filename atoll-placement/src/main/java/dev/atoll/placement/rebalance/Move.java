package dev.atoll.placement.rebalance;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.placement.Assignment;
import java.util.Objects;

/**
 * One instance to move from where it runs to a new place. The unit every decider of moves returns
 * (a user's {@code atoll move}, a drain, the neighbour scheduler, the background optimizer) and the
 * one thing the mover executes, so deciders stay pure and the mover stays the only I/O.
 *
 * @param to the destination; {@code to.node()} is null when only the site is chosen and the
 *     destination site picks the node
 * @param reason why, in words a user reads in events ("node n3 over cpu 92% for 60s")
 */
public record Move(InstanceId id, Assignment from, Assignment to, String reason) {
    public Move {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(to.site(), "to.site");
        Objects.requireNonNull(reason, "reason");
        if (from.site().equals(to.site()) && Objects.equals(from.node(), to.node()))
            throw new IllegalArgumentException(id.display() + " is already on " + from.site() + "/" + from.node());
    }

    public boolean betweenSites() {
        return !from.site().equals(to.site());
    }

    /**
     * The move as a decider that saw another site only through its summary asks it of the home:
     * between sites only the site is named, and the destination's exact state picks the node.
     */
    public Move siteOnlyBetweenSites() {
        return betweenSites() && to.node() != null ? new Move(id, from, new Assignment(to.site(), null), reason) : this;
    }
}
