package dev.atoll.model.topology;

import dev.atoll.model.Resources;
import java.util.Set;

/**
 * A machine in a site running an agent: its capacity, the drivers it supports and its tags.
 * {@code name} is unique within the site; {@link #id()} is unique in the cloud. {@code driverDetails}
 * says how a driver runs here where that matters to people (microvm: "kvm" or "tcg"; oci: the runc
 * version). {@code address} is the node's address on the underlay, where tunnels of tenant networks
 * and ingress connections reach it (empty when unknown: nodes of `atoll dev` in one process).
 */
public record NodeInfo(
        String site,
        String name,
        Resources capacity,
        int instanceSlots,
        Set<String> drivers,
        Set<String> tags,
        java.util.Map<String, String> driverDetails,
        String address) {
    public NodeInfo {
        address = address == null ? "" : address;
        drivers = Set.copyOf(drivers);
        tags = Set.copyOf(tags);
        // Agents older than driver details send none.
        driverDetails = driverDetails == null ? java.util.Map.of() : java.util.Map.copyOf(driverDetails);
    }

    public NodeInfo(
            String site, String name, Resources capacity, int instanceSlots, Set<String> drivers, Set<String> tags) {
        this(site, name, capacity, instanceSlots, drivers, tags, java.util.Map.of());
    }

    public NodeInfo(
            String site,
            String name,
            Resources capacity,
            int instanceSlots,
            Set<String> drivers,
            Set<String> tags,
            java.util.Map<String, String> driverDetails) {
        this(site, name, capacity, instanceSlots, drivers, tags, driverDetails, "");
    }

    /** The same node, reachable at {@code underlayAddress}. */
    public NodeInfo at(String underlayAddress) {
        return new NodeInfo(site, name, capacity, instanceSlots, drivers, tags, driverDetails, underlayAddress);
    }

    /** The driver detail that says whether the node runs tenant networks ("vxlan") or not ("none"). */
    public static final String NETWORK_DETAIL = "network";
    /** The value of {@link #NETWORK_DETAIL} on a node that runs tenant networks (VXLAN segments). */
    public static final String NETWORK_VXLAN = "vxlan";

    /** Whether instances on tenant networks can run here. */
    public boolean runsTenantNetworks() {
        return NETWORK_VXLAN.equals(driverDetails.get(NETWORK_DETAIL));
    }

    public String id() {
        return site + "/" + name;
    }
}
