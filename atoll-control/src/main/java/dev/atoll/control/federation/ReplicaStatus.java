package dev.atoll.control.federation;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;

/**
 * What a target site knows of one replica it runs for a home: enough to gate a rolling update and
 * to see that the replica was lost with its node.
 */
public record ReplicaStatus(InstanceId id, long generation, String node, InstanceState state, boolean nodeDown) {}
