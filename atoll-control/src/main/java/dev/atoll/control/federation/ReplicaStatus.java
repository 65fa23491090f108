package dev.atoll.control.federation;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a target site knows of one replica it runs for a home: enough to gate a rolling update, to
 * see that the replica was lost with its node, and for the home to show the replica to users
 * (ports, pid, start time, restarts and the agent's message).
 *
 * @param draining the replica's node is being drained: its home moves it elsewhere
 */
public record ReplicaStatus(
        InstanceId id,
        long generation,
        String node,
        InstanceState state,
        boolean nodeDown,
        Map<String, Integer> ports,
        Optional<Long> pid,
        Optional<Instant> startedAt,
        int restarts,
        String message,
        boolean draining) {

    public ReplicaStatus {
        ports = Map.copyOf(ports);
        message = message == null ? "" : message;
    }

    public ReplicaStatus(
            InstanceId id,
            long generation,
            String node,
            InstanceState state,
            boolean nodeDown,
            Map<String, Integer> ports,
            Optional<Long> pid,
            Optional<Instant> startedAt,
            int restarts,
            String message) {
        this(id, generation, node, state, nodeDown, ports, pid, startedAt, restarts, message, false);
    }

    /** Only what the reconciler needs; the details users see are left empty. */
    public ReplicaStatus(InstanceId id, long generation, String node, InstanceState state, boolean nodeDown) {
        this(id, generation, node, state, nodeDown, Map.of(), Optional.empty(), Optional.empty(), 0, "");
    }
}
