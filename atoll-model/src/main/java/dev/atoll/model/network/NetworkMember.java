package dev.atoll.model.network;

import dev.atoll.model.agent.NetworkAttachment;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.spec.Expose;
import java.util.List;
import java.util.Map;

/**
 * One replica as the networks see it: where it runs ({@code site}, {@code node} and the node's
 * underlay address, which is the far end of the tunnels to it), its addresses on its tenant
 * networks, its ports (the numbers it listens on, forwarded from the same port on its node) and
 * what it publishes. Every site serves the members it runs; every site leader gathers all of them
 * for DNS, tunnels and ingress.
 */
public record NetworkMember(
        InstanceId id,
        long generation,
        String site,
        String node,
        String nodeAddress,
        InstanceState state,
        List<NetworkAttachment> networks,
        Map<String, Integer> ports,
        List<Expose> expose) {
    public NetworkMember {
        networks = List.copyOf(networks);
        ports = Map.copyOf(ports);
        expose = List.copyOf(expose);
    }

    public boolean healthy() {
        return state.isHealthy();
    }
}
