package dev.atoll.control.site;

import dev.atoll.control.federation.NodeClaim;
import dev.atoll.placement.rebalance.Partition;
import dev.atoll.placement.rebalance.PartitionRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes of this site that partitions hold: its own rebalancer's and other sites' ({@link NodeClaim}), in one
 * registry, so that no two partitions anywhere in the cloud hold one node. Soft state at the site's leader: a hold ends
 * when its owner releases it or its time is up, and a new leader starts with none (partitions are short-lived; a move
 * that meets one not held is still checked by the destination's exact state).
 */
public final class NodeClaims {
    private final Clock clock;
    private PartitionRegistry registry = PartitionRegistry.EMPTY;
    private final Map<String, Long> until = new HashMap<>();

    public NodeClaims(Clock clock) {
        this.clock = clock;
    }

    /** Who holds what now. */
    public synchronized PartitionRegistry current() {
        expire();
        return registry;
    }

    /**
     * Holds every one of {@code nodes} for {@code owner} for {@code holdMillis} (longer if it held them already), or
     * none of them when another owner holds one.
     */
    public synchronized NodeClaim.Answer hold(String owner, List<String> nodes, long holdMillis) {
        expire();
        for (String node : nodes) {
            if (registry.heldByOther(node, owner)) {
                return NodeClaim.Answer.refused(
                        node + " is held by " + registry.ownerOf(node).orElseThrow());
            }
        }
        registry = registry.reserve(new Partition(owner, nodes.getFirst(), nodes));
        until.merge(owner, clock.millis() + holdMillis, Math::max);
        return NodeClaim.Answer.GRANTED;
    }

    public synchronized void release(String owner) {
        registry = registry.release(owner);
        until.remove(owner);
    }

    private void expire() {
        long now = clock.millis();
        for (var it = until.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue() <= now) {
                registry = registry.release(e.getKey());
                it.remove();
            }
        }
    }
}
