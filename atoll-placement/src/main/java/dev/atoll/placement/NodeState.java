package dev.atoll.placement;

import dev.atoll.model.Resources;
import dev.atoll.model.topology.NodeInfo;

/** A node as its own site knows it exactly: what is allocated on it and how many instances run. */
public record NodeState(NodeInfo info, Resources allocated, int instances, boolean ready) {
    public static NodeState empty(NodeInfo info) {
        return new NodeState(info, Resources.ZERO, 0, true);
    }

    public String name() {
        return info.name();
    }

    /** Never negative, even on a node that was over-committed by an operator's change. */
    public Resources free() {
        return info.capacity().minusClamped(allocated);
    }

    public int freeSlots() {
        return Math.max(0, info.instanceSlots() - instances);
    }

    public NodeState withAllocated(Resources more) {
        return new NodeState(info, allocated.plus(more), instances + 1, ready);
    }

    public NodeState withReleased(Resources less) {
        return new NodeState(info, allocated.minusClamped(less), Math.max(0, instances - 1), ready);
    }

    public NodeState withReady(boolean isReady) {
        return new NodeState(info, allocated, instances, isReady);
    }

    /** How this node looks in its site's summary. */
    public NodeCapacity capacity() {
        return new NodeCapacity(info.name(), free(), freeSlots(), info.drivers(), info.tags(), ready);
    }
}
