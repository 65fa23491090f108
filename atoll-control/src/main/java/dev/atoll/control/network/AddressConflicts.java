package dev.atoll.control.network;

import dev.atoll.control.site.SiteState.ReplicaPlacement;
import dev.atoll.model.agent.NetworkAttachment;
import dev.atoll.model.network.NetworkMember;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Two homes placing into one tenant network at the same moment could each choose the same free
 * address: nothing locks a network across sites. This finds such a clash after the fact. Of two
 * replicas holding one address, the one with the greater instance key gives way, so both homes
 * agree on which without talking; its home places it again, with a new address.
 */
public final class AddressConflicts {
    private AddressConflicts() {}

    /** The instance keys of {@code placements} that must give their address up. */
    public static Set<String> losers(Collection<ReplicaPlacement> placements, List<NetworkMember> members) {
        Map<String, List<String>> holders = new HashMap<>();
        for (NetworkMember m : members) {
            for (NetworkAttachment a : m.networks()) {
                holders.computeIfAbsent(where(m.id().tenant(), a), k -> new java.util.ArrayList<>())
                        .add(m.id().key());
            }
        }
        Set<String> losers = new TreeSet<>();
        for (ReplicaPlacement p : placements) {
            String key = p.id().key();
            for (NetworkAttachment a : p.networks()) {
                for (String other : holders.getOrDefault(where(p.id().tenant(), a), List.of())) {
                    if (other.compareTo(key) < 0) losers.add(key);
                }
            }
        }
        return losers;
    }

    private static String where(String tenant, NetworkAttachment a) {
        return tenant + "/" + a.network() + "/" + a.address();
    }
}
