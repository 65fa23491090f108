package dev.atoll.net.ipam;

import java.util.Optional;

/**
 * Carves a tenant network's VNI and subnet out of the pool from the network's name alone, so every
 * site that hosts one of its instances computes the same segment without asking anyone.
 *
 * <p>Two networks can be handed overlapping subnets. Between different tenants that is harmless:
 * each network is its own VXLAN segment (its own VNI) and its own bridge on every node, so the
 * same address in two tenants never meets on a wire. Within one tenant the chance is small (1,008
 * subnets of /20 in the default pool) and a user who needs two networks to route to each other
 * names their subnets explicitly. Two networks sharing a VNI (a 1 in 16 million chance per pair)
 * would share a segment, so the caller that records networks checks VNIs for collisions.
 *
 * <p>{@link #NODE_LINKS} is never handed out: the links between a node and its instances use it.
 */
public final class NetworkAddressing {
    public static final Subnet DEFAULT_POOL = Subnet.parse("100.64.0.0/10");
    public static final Subnet NODE_LINKS = Subnet.parse("100.127.0.0/16");
    public static final int DEFAULT_SUBNET_PREFIX = 20;
    /** A /28 still leaves 14 instance addresses; smaller subnets are not worth a segment. */
    public static final int SMALLEST_SUBNET_PREFIX = 28;
    /** An explicit subnet needs at least two host addresses besides network and broadcast. */
    private static final int SMALLEST_REQUESTED_PREFIX = 30;

    private final Subnet pool;
    private final int subnetPrefix;
    private final long subnetCount;

    public NetworkAddressing(Subnet pool, int subnetPrefix) {
        if (pool == null) throw new IllegalArgumentException("no address pool given");
        if (subnetPrefix < pool.prefix() || subnetPrefix > SMALLEST_SUBNET_PREFIX) {
            throw new IllegalArgumentException("subnet prefix /" + subnetPrefix + " must be between the pool's /"
                    + pool.prefix() + " and /" + SMALLEST_SUBNET_PREFIX);
        }
        this.pool = pool;
        this.subnetPrefix = subnetPrefix;
        this.subnetCount = 1L << (subnetPrefix - pool.prefix());
        if (subnetsOverlappingNodeLinks() >= subnetCount) {
            throw new IllegalArgumentException(
                    "pool " + pool + " has no /" + subnetPrefix + " outside " + NODE_LINKS + ", which node links use");
        }
    }

    private long subnetsOverlappingNodeLinks() {
        if (!pool.overlaps(NODE_LINKS)) return 0;
        if (NODE_LINKS.contains(pool)) return subnetCount;
        return subnetPrefix <= NODE_LINKS.prefix() ? 1 : 1L << (subnetPrefix - NODE_LINKS.prefix());
    }

    public static NetworkAddressing defaults() {
        return new NetworkAddressing(DEFAULT_POOL, DEFAULT_SUBNET_PREFIX);
    }

    public Subnet pool() {
        return pool;
    }

    public int subnetPrefix() {
        return subnetPrefix;
    }

    public NetworkPlan plan(String tenant, String network) {
        return plan(tenant, network, Optional.empty());
    }

    /**
     * The network's plan; a subnet the user asked for explicitly is used as given (it may lie outside
     * the pool, never in {@link #NODE_LINKS}), and the VNI is hashed all the same.
     */
    public NetworkPlan plan(String tenant, String network, Optional<Subnet> requested) {
        long[] hash = StableHash.of(tenant + "/" + network);
        int vni = vniFrom(hash[0]);
        Subnet subnet = requested.map(NetworkAddressing::checkRequested).orElseGet(() -> carve(hash[1]));
        return new NetworkPlan(tenant, network, vni, subnet);
    }

    static int vniFrom(long hash) {
        return (int) Long.remainderUnsigned(hash, NetworkPlan.MAX_VNI) + 1;
    }

    /**
     * The hash picks one of the pool's subnets; one overlapping the node links gives way to the next
     * (wrapping), which ends because the constructor checked that some subnet lies outside them.
     */
    private Subnet carve(long hash) {
        long first = Long.remainderUnsigned(hash, subnetCount);
        for (long probe = 0; probe < subnetCount; probe++) {
            long index = (first + probe) % subnetCount;
            Subnet candidate = new Subnet(pool.base() + (int) (index << (32 - subnetPrefix)), subnetPrefix);
            if (!candidate.overlaps(NODE_LINKS)) return candidate;
        }
        throw new IllegalStateException("pool " + pool + " has no /" + subnetPrefix + " outside " + NODE_LINKS);
    }

    private static Subnet checkRequested(Subnet requested) {
        if (requested.overlaps(NODE_LINKS)) {
            throw new IllegalArgumentException(
                    "subnet " + requested + " overlaps " + NODE_LINKS + ", which node links use");
        }
        if (requested.prefix() > SMALLEST_REQUESTED_PREFIX) {
            throw new IllegalArgumentException("subnet " + requested + " leaves no address for instances; use /"
                    + SMALLEST_REQUESTED_PREFIX + " or larger");
        }
        return requested;
    }
}
