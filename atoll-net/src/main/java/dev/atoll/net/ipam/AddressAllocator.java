package dev.atoll.net.ipam;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Picks a free instance address in a subnet. Pure: the caller holds the addresses in use (its
 * replicated state) and records the pick. Two sites may allocate in one network at the same moment
 * without talking; starting each search where the hint key (an environment, an instance) hashes to
 * makes them rarely pick the same address, and the caller's state machine settles the rare clash.
 */
public final class AddressAllocator {
    private AddressAllocator() {}

    /**
     * A host address of {@code subnet} (never its network or broadcast address) not in {@code inUse},
     * or empty when there is none. Addresses in {@code inUse} outside the subnet are ignored.
     */
    public static Optional<String> allocate(Subnet subnet, Set<String> inUse, String hintKey) {
        long hosts = subnet.size() - 2;
        if (hosts <= 0) return Optional.empty();
        Set<Long> taken = takenOffsets(subnet, inUse);
        if (taken.size() >= hosts) return Optional.empty();
        long start = Long.remainderUnsigned(StableHash.of(hintKey)[0], hosts);
        // Bounded by the number of hosts, and ends sooner: fewer than `hosts` offsets are taken.
        for (long probe = 0; probe < hosts; probe++) {
            long offset = 1 + (start + probe) % hosts;
            if (!taken.contains(offset)) return Optional.of(subnet.addressAt(offset));
        }
        return Optional.empty();
    }

    private static Set<Long> takenOffsets(Subnet subnet, Set<String> inUse) {
        Set<Long> taken = new HashSet<>();
        long last = subnet.size() - 1;
        for (String address : inUse) {
            int value = Ipv4.parse(address);
            if (!subnet.containsAddress(value)) continue;
            long offset = Integer.toUnsignedLong(value - subnet.base());
            if (offset != 0 && offset != last) taken.add(offset);
        }
        return taken;
    }
}
