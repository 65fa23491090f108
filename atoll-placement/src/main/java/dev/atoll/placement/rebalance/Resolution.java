package dev.atoll.placement.rebalance;

import java.util.List;
import java.util.Set;

/** What the neighbour scheduler decided for one event. */
public sealed interface Resolution {
    NodeEvent event();

    /** Moves inside the partition that resolve the event; the partition is held until they are done. */
    record Resolved(NodeEvent event, Partition partition, List<Move> moves) implements Resolution {
        public Resolved {
            moves = List.copyOf(moves);
        }
    }

    /**
     * Neighbours the event needs are held by other partitions (or its own node is): try again when
     * they are released.
     *
     * @param blockedBy the owners of the partitions in the way
     */
    record Waiting(NodeEvent event, Set<String> blockedBy) implements Resolution {
        public Waiting {
            blockedBy = Set.copyOf(blockedBy);
        }
    }

    /**
     * Even the largest partition allowed cannot resolve the event: not enough capacity that the
     * instances' constraints allow. {@code moves} are those that help anyway (instances that can
     * leave a draining node), {@code why} says what is missing.
     */
    record Unresolvable(NodeEvent event, Partition partition, List<Move> moves, String why) implements Resolution {
        public Unresolvable {
            moves = List.copyOf(moves);
        }
    }
}
