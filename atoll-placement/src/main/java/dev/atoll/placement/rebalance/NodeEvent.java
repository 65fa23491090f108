package dev.atoll.placement.rebalance;

import dev.atoll.model.Resources;
import java.util.List;
import java.util.Objects;

/** Something at one node that calls for moving instances away from it. */
public sealed interface NodeEvent {
    /** {@code site/node} */
    String nodeId();

    /** In words a user reads in events. */
    String reason();

    /**
     * The node's measured use stayed above the policy's limit for the window.
     *
     * @param used the latest measured use
     * @param limit the most it may use: the policy's share of its capacity
     * @param sinceMillis since when it has been over, without a break
     * @param reasons one per resource over its limit ("cpu 92% above 85% for 60s")
     */
    record Overload(String nodeId, Resources used, Resources limit, long sinceMillis, List<String> reasons)
            implements NodeEvent {
        public Overload {
            Objects.requireNonNull(nodeId, "nodeId");
            reasons = List.copyOf(reasons);
        }

        /** What must leave the node for it to be back under its limit, per resource. */
        public Resources excess() {
            return used.minusClamped(limit);
        }

        @Override
        public String reason() {
            return "node " + nodeId + " overloaded: " + String.join(", ", reasons);
        }
    }

    /** An operator is draining the node: every instance must leave it. */
    record Drain(String nodeId) implements NodeEvent {
        public Drain {
            Objects.requireNonNull(nodeId, "nodeId");
        }

        @Override
        public String reason() {
            return "node " + nodeId + " draining";
        }
    }
}
