package dev.atoll.net.ipam;

/**
 * Where a tenant network lives on the wire: its VXLAN network identifier (1..16,777,215) and its
 * subnet. Computed, not stored: {@link NetworkAddressing#plan} gives the same plan on every site.
 */
public record NetworkPlan(String tenant, String network, int vni, Subnet subnet) {
    public static final int MAX_VNI = (1 << 24) - 1;

    public NetworkPlan {
        if (tenant == null || tenant.isBlank()) throw new IllegalArgumentException("a network plan needs a tenant");
        if (network == null || network.isBlank()) {
            throw new IllegalArgumentException("a network plan needs a network name");
        }
        if (vni < 1 || vni > MAX_VNI) throw new IllegalArgumentException("VNI " + vni + " is outside 1.." + MAX_VNI);
        if (subnet == null) throw new IllegalArgumentException("a network plan needs a subnet");
    }
}
