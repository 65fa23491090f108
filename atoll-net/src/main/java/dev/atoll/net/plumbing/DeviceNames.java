package dev.atoll.net.plumbing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Kernel names and addresses of the devices plumbing makes, all derived from the segment's VNI or the instance, so a
 * restarted agent finds what an earlier one made without any state of its own.
 *
 * <p>Every name starts with {@code atn} and is at most 15 characters (the kernel's limit). Other prefixes are taken:
 * {@code atb} by the test-host harness, {@code atoll} by the OCI driver; keeping apart means no cleanup of one ever
 * removes another's devices.
 */
final class DeviceNames {
    static final int MAX_VNI = (1 << 24) - 1;

    static final String BRIDGE_PREFIX = "atnb";
    static final String VXLAN_PREFIX = "atnx";
    static final String HOST_VETH_PREFIX = "atnv";
    static final String PEER_VETH_PREFIX = "atnp";

    private static final Pattern BRIDGE = Pattern.compile(BRIDGE_PREFIX + "([0-9a-f]{6})");
    private static final Pattern VXLAN = Pattern.compile(VXLAN_PREFIX + "([0-9a-f]{6})");
    private static final Pattern HOST_VETH = Pattern.compile(HOST_VETH_PREFIX + "[0-9a-f]{8}");

    private DeviceNames() {}

    static void requireVni(int vni) {
        if (vni < 1 || vni > MAX_VNI) {
            throw new IllegalArgumentException("a VNI is 1-" + MAX_VNI + " (24 bits), was " + vni);
        }
    }

    /** The segment's bridge, e.g. {@code atnb000064} for VNI 100. */
    static String bridge(int vni) {
        requireVni(vni);
        return BRIDGE_PREFIX + sixHex(vni);
    }

    /** The segment's VXLAN device, e.g. {@code atnx000064} for VNI 100. */
    static String vxlan(int vni) {
        requireVni(vni);
        return VXLAN_PREFIX + sixHex(vni);
    }

    /**
     * The node's end of an instance's veth pair. Namespace names can be far longer than 15 characters, so the name
     * carries a hash of namespace and VNI instead; the device's alias says whom it serves.
     */
    static String hostVeth(String namespace, int vni) {
        return HOST_VETH_PREFIX + instanceHash(namespace, vni);
    }

    /**
     * What the instance's end is called between its creation and its rename: unique on the node, so two attachments
     * made at once cannot clash, and recognisably ours if a crash leaves it unrenamed.
     */
    static String peerVeth(String namespace, int vni) {
        return PEER_VETH_PREFIX + instanceHash(namespace, vni);
    }

    /**
     * A MAC address derived from the instance's IPv4 address: locally administered (02), then a7 for Atoll, then the
     * four octets. Deterministic, so an instance re-created with the same address keeps its MAC and its peers' ARP
     * caches stay right; two segments may hold the same address (different tenants) since they are separate L2
     * domains.
     */
    static String mac(String address) {
        int[] o = Ipv4.parse(address);
        return String.format(Locale.ROOT, "02:a7:%02x:%02x:%02x:%02x", o[0], o[1], o[2], o[3]);
    }

    /** The VNI of a bridge plumbing made, or empty for any other device. */
    static OptionalInt vniOfBridge(String device) {
        return vniOf(BRIDGE, device);
    }

    /** The VNI of a VXLAN device plumbing made, or empty for any other device. */
    static OptionalInt vniOfVxlan(String device) {
        return vniOf(VXLAN, device);
    }

    static boolean isHostVeth(String device) {
        return HOST_VETH.matcher(device).matches();
    }

    private static OptionalInt vniOf(Pattern pattern, String device) {
        var m = pattern.matcher(device);
        if (!m.matches()) {
            return OptionalInt.empty();
        }
        int vni = Integer.parseInt(m.group(1), 16);
        return vni >= 1 ? OptionalInt.of(vni) : OptionalInt.empty();
    }

    private static String sixHex(int vni) {
        return String.format(Locale.ROOT, "%06x", vni);
    }

    private static String instanceHash(String namespace, int vni) {
        Attachment.requireNamespace(namespace);
        requireVni(vni);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((namespace + "\0" + vni).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
