package dev.atoll.net.ipam;

/**
 * An IPv4 CIDR block: {@code base} is the first address (an unsigned 32-bit value in an int),
 * aligned to {@code prefix}. Offsets count addresses from the base, 0 being the network address.
 */
public record Subnet(int base, int prefix) {
    public Subnet {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException(Ipv4.format(base) + "/" + prefix + ": prefix must be 0..32");
        }
        if ((base & mask(prefix)) != base) {
            throw new IllegalArgumentException(
                    Ipv4.format(base) + "/" + prefix + ": not the first address of its subnet");
        }
    }

    /** Reads {@code a.b.c.d/p}; IllegalArgumentException with a readable message otherwise. */
    public static Subnet parse(String cidr) {
        if (cidr == null) throw new IllegalArgumentException("no subnet given");
        int slash = cidr.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException(cidr + ": expected address/prefix, e.g. 100.64.0.0/20");
        int base;
        try {
            base = Ipv4.parse(cidr.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(cidr + ": " + cidr.substring(0, slash) + " is not an IPv4 address");
        }
        String prefixText = cidr.substring(slash + 1);
        if (prefixText.isEmpty()
                || prefixText.length() > 2
                || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(cidr + ": prefix must be 0..32");
        }
        int prefix = Integer.parseInt(prefixText);
        if (prefix > 32) throw new IllegalArgumentException(cidr + ": prefix must be 0..32");
        if ((base & mask(prefix)) != base) {
            throw new IllegalArgumentException(cidr + ": not the first address of its subnet");
        }
        return new Subnet(base, prefix);
    }

    /** How many addresses the subnet holds, network and broadcast addresses included. */
    public long size() {
        return 1L << (32 - prefix);
    }

    public boolean contains(String address) {
        return containsAddress(Ipv4.parse(address));
    }

    public boolean containsAddress(int address) {
        return (address & mask(prefix)) == base;
    }

    public boolean contains(Subnet other) {
        return other.prefix >= prefix && containsAddress(other.base);
    }

    public boolean overlaps(Subnet other) {
        return contains(other) || other.contains(this);
    }

    /** The dotted quad at {@code offset} from the base; 0 is the network address. */
    public String addressAt(long offset) {
        if (offset < 0 || offset >= size()) {
            throw new IllegalArgumentException(this + ": offset " + offset + " is outside 0.." + (size() - 1));
        }
        return Ipv4.format(base + (int) offset);
    }

    /** Where {@code address} lies from the base; IllegalArgumentException when it is outside. */
    public long offsetOf(String address) {
        int value = Ipv4.parse(address);
        if (!containsAddress(value)) throw new IllegalArgumentException(address + " is not in " + this);
        return Integer.toUnsignedLong(value - base);
    }

    @Override
    public String toString() {
        return Ipv4.format(base) + "/" + prefix;
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }
}
