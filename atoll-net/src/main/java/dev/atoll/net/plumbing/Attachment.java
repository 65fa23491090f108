package dev.atoll.net.plumbing;

import java.util.regex.Pattern;

/**
 * One instance plugged into one segment: its network namespace (a name under /run/netns, made by the agent), the
 * segment's VNI, and the interface the instance sees with its address, e.g. {@code eth1} with 100.64.16.2/20. The
 * prefix also gives the instance its route to the rest of the segment.
 */
public record Attachment(String namespace, int vni, String interfaceName, String address, int prefixLength) {
    /** What {@code ip netns} accepts as a name and is safe as a path element under /run/netns. */
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** Kernel interface names are at most 15 characters and may not hold '/', ':' or spaces. */
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");

    public Attachment {
        requireNamespace(namespace);
        DeviceNames.requireVni(vni);
        if (interfaceName == null || !INTERFACE.matcher(interfaceName).matches() || interfaceName.equals("lo")) {
            throw new IllegalArgumentException("interface name must be 1-15 characters of A-Z, a-z, 0-9, '_', '.'"
                    + " and '-', and not lo: " + interfaceName);
        }
        Ipv4.parse(address);
        if (prefixLength < 1 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 1-32, was " + prefixLength);
        }
    }

    static void requireNamespace(String namespace) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace must be 1-64 characters of A-Z, a-z, 0-9, '_', '.' and '-',"
                    + " starting with a letter or digit: " + namespace);
        }
    }

    /** The address with its prefix, as {@code ip addr} takes and shows it. */
    String cidr() {
        return address + "/" + prefixLength;
    }
}
