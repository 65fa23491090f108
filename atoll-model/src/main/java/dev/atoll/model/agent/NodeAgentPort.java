package dev.atoll.model.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * How a site's control plane talks to one node agent. In-process in `atoll dev`; over the network
 * later, behind the same interface. Calls never block on the instances themselves.
 */
public interface NodeAgentPort {
    /**
     * The complete set of replicas this node should run. Idempotent: the agent starts what is new
     * (or of a newer generation), stops what is gone, and leaves the rest alone.
     */
    void assign(Collection<InstanceAssignment> desired);

    /** Every change the agent observes is passed to this listener (one at a time, in order). */
    void onReport(Consumer<InstanceReport> listener);

    /**
     * Called every {@link #HEARTBEAT_PERIOD} while the agent lives; a site leader that stops hearing
     * it suspects the node, then declares it down and has its replicas placed elsewhere.
     */
    void onHeartbeat(Runnable listener);

    java.time.Duration HEARTBEAT_PERIOD = java.time.Duration.ofMillis(500);

    /**
     * Called with the node's measured use, at most once a heartbeat, by agents that measure it (the
     * simulator's nodes do); the site's rebalancer detects overloaded nodes from it. Agents that
     * measure nothing never call it, and their nodes are never judged overloaded.
     */
    default void onUsage(Consumer<NodeUsage> listener) {}

    /** The instance's captured stdout and stderr from the given byte offset. */
    InputStream openLog(dev.atoll.model.instance.InstanceId id, long fromOffset) throws IOException;
}
