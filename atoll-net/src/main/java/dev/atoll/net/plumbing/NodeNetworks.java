package dev.atoll.net.plumbing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant networks of one node, made of the kernel's own devices through iproute2: no user-space overlay, so
 * tenant traffic never leaves the kernel.
 *
 * <p>Each network segment (one VNI) that has instances on this node gets a Linux bridge and a VXLAN device enslaved
 * to it. The VXLAN device floods by head-end replication towards the other nodes of the segment, and learns where
 * each MAC lives from the frames it receives. Each instance is a veth pair from the bridge into the instance's network
 * namespace.
 *
 * <p>Every operation is idempotent and derives all names from the VNI or the instance, so an agent that restarts
 * simply calls them again, and {@link #reclaim} removes what a crashed one left. Methods are synchronized: an agent
 * may reconcile and reclaim from different threads, and what one call has read must not change under it.
 */
public final class NodeNetworks {
    /** IANA's VXLAN port. */
    static final int VXLAN_PORT = 4789;

    /** What VXLAN over IPv4 adds to each frame: outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8 bytes. */
    static final int VXLAN_OVERHEAD = 50;

    private static final Logger log = LoggerFactory.getLogger(NodeNetworks.class);

    private static final Pattern IPV4_ADDRESS = Pattern.compile("^\\d+:\\s+(\\S+)\\s+inet (\\S+?)/\\d+");
    private static final Pattern VXLAN_DETAILS = Pattern.compile("\\bvxlan id (\\d+)([^\\\\]*)");
    private static final Pattern LOCAL = Pattern.compile("\\blocal (\\S+)");
    private static final Pattern DEV = Pattern.compile("\\bdev (\\S+)");
    private static final Pattern DSTPORT = Pattern.compile("\\bdstport (\\d+)");

    private final HostCommands commands;
    private final String underlayAddress;

    /** Found on first use: the node's address may not be configured yet when the agent is built. */
    private Underlay underlay;

    /** How to send a gratuitous ARP here, found on first use; empty when no arping is installed. */
    private Optional<List<String>> arping;

    /** The device carrying {@code underlayAddress}, and its MTU. */
    record Underlay(String device, int mtu) {
        /** What instances may send so that a frame with its VXLAN headers still fits the underlay. */
        int tenantMtu() {
            return mtu - VXLAN_OVERHEAD;
        }
    }

    /**
     * @param underlayAddress this node's IPv4 address on the underlay, the one other nodes send VXLAN packets to. IPv4
     *     only: the 50 bytes of overhead and the flood entries assume it.
     */
    public NodeNetworks(HostCommands commands, String underlayAddress) {
        this.commands = Objects.requireNonNull(commands, "commands");
        try {
            Ipv4.parse(underlayAddress);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the underlay address must be an IPv4 address: " + underlayAddress, e);
        }
        this.underlayAddress = underlayAddress;
    }

    /**
     * Makes the segment's bridge and VXLAN device if they are missing (or repairs them), and makes its flood list
     * exactly {@code remoteUnderlayAddresses}: entries are added and removed one by one, so traffic towards nodes that
     * stay in the segment is never interrupted. This node's own address in the set is ignored.
     */
    public synchronized void ensureSegment(int vni, Set<String> remoteUnderlayAddresses) {
        DeviceNames.requireVni(vni);
        Set<String> remotes = new TreeSet<>();
        for (String remote : remoteUnderlayAddresses) {
            Ipv4.parse(remote);
            // Replicating floods to ourselves would loop them back into the bridge.
            if (!remote.equals(underlayAddress)) {
                remotes.add(remote);
            }
        }
        Underlay u = underlay();
        Map<String, Link> links = links();
        String bridge = DeviceNames.bridge(vni);
        String vxlan = DeviceNames.vxlan(vni);
        ensureBridge(bridge, links.get(bridge), u.tenantMtu());
        ensureVxlan(vni, vxlan, bridge, links.get(vxlan), u);
        syncFloodEntries(vxlan, remotes);
    }

    /**
     * Plugs an instance into its segment, whose bridge {@link #ensureSegment} must have made. Attaching an attached
     * instance changes nothing; a half-made attachment (an earlier attach crashed) is removed and made again. On
     * failure nothing of this attachment is left.
     *
     * @throws NetworkPlumbingException naming the device and the failed command's stderr
     */
    public synchronized void attach(Attachment a) {
        int mtu = underlay().tenantMtu();
        String bridge = DeviceNames.bridge(a.vni());
        String hostVeth = DeviceNames.hostVeth(a.namespace(), a.vni());
        Map<String, Link> links = links();
        if (!links.containsKey(bridge)) {
            throw new NetworkPlumbingException("cannot attach namespace " + a.namespace() + " to VNI " + a.vni()
                    + ": the segment has no bridge " + bridge + " on this node (ensureSegment makes it)");
        }
        Link existing = links.get(hostVeth);
        if (existing != null) {
            String ours = alias(a);
            if (existing.alias().isPresent() && !existing.alias().get().equals(ours)) {
                throw new NetworkPlumbingException("cannot attach namespace " + a.namespace() + " to VNI " + a.vni()
                        + ": its veth name " + hostVeth + " is taken by \""
                        + existing.alias().get() + "\"");
            }
            if (isComplete(a, existing, bridge, mtu)) {
                return;
            }
            log.info("redoing the half-made attachment of {} to VNI {}", a.namespace(), a.vni());
            removeDevice(hostVeth);
        }
        try {
            plumb(a, hostVeth, bridge, mtu);
        } catch (NetworkPlumbingException e) {
            try {
                removeDevice(hostVeth);
            } catch (NetworkPlumbingException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        announce(a);
    }

    /**
     * Plugs a micro-VM's network card into its segment: {@code tap} is a tap device on this node whose other end is
     * the guest, which holds the instance's address itself (so no veth and no namespace stand between them). The tap
     * gets the segment's MTU. Plugging a plugged tap changes nothing; the segment's bridge must exist.
     *
     * @return the segment's MTU, which the guest must use too
     * @throws NetworkPlumbingException naming the tap and the failed command's stderr
     */
    public synchronized int plugTap(String tap, int vni) {
        int mtu = underlay().tenantMtu();
        String bridge = DeviceNames.bridge(vni);
        if (!links().containsKey(bridge)) {
            throw new NetworkPlumbingException("cannot plug tap " + tap + " into VNI " + vni
                    + ": the segment has no bridge " + bridge + " on this node (ensureSegment makes it)");
        }
        ip(tap, "link set dev %s addrgenmode none mtu %d master %s up".formatted(tap, mtu, bridge));
        return mtu;
    }

    /**
     * The MAC an instance with {@code address} has on its segment: the one plumbing gives a namespace's interface, and
     * the one a micro-VM's card must have, so that peers' ARP caches stay right when it moves.
     */
    public static String instanceMac(String address) {
        return DeviceNames.mac(address);
    }

    /** Unplugs an instance. Removing the node's end of the veth pair removes the instance's end with it. */
    public synchronized void detach(String namespace, int vni) {
        removeDevice(DeviceNames.hostVeth(namespace, vni));
    }

    /** Removes the segment from this node: the veths of its instances, its VXLAN device (and flood list), its bridge. */
    public synchronized void removeSegment(int vni) {
        String bridge = DeviceNames.bridge(vni);
        for (Link link : links().values()) {
            if (DeviceNames.isHostVeth(link.name()) && link.master().equals(Optional.of(bridge))) {
                removeDevice(link.name());
            }
        }
        removeDevice(DeviceNames.vxlan(vni));
        removeDevice(bridge);
    }

    /** The VNIs of the segments that have a bridge on this node. */
    public synchronized Set<Integer> segments() {
        return segments(links());
    }

    /**
     * Removes what nobody wants any more, typically after a crash: the segments not in {@code wantedVnis}, VXLAN
     * devices of unwanted VNIs, and instance veths whose bridge is gone or whose instance's namespace is gone (or that
     * never got their peer into it).
     */
    public synchronized void reclaim(Set<Integer> wantedVnis) {
        for (int vni : segments(links())) {
            if (!wantedVnis.contains(vni)) {
                log.info("reclaiming segment VNI {}", vni);
                removeSegment(vni);
            }
        }
        Map<String, Link> links = links();
        for (String name : links.keySet()) {
            OptionalInt vni = DeviceNames.vniOfVxlan(name);
            if (vni.isPresent() && !wantedVnis.contains(vni.getAsInt())) {
                removeDevice(name);
            }
        }
        Set<String> bridges = new TreeSet<>();
        links.keySet().stream()
                .filter(n -> DeviceNames.vniOfBridge(n).isPresent())
                .forEach(bridges::add);
        for (Link link : links.values()) {
            if (!DeviceNames.isHostVeth(link.name())) {
                continue;
            }
            boolean bridgeGone = link.master().filter(bridges::contains).isEmpty();
            // No link-netns: the peer is still in this namespace (an attach crashed before moving it), or its
            // namespace lost its name under /run/netns (deleted while a process still held it).
            boolean namespaceGone = link.peerNamespace().isEmpty();
            if (bridgeGone || namespaceGone) {
                log.info(
                        "reclaiming veth {} ({}){}",
                        link.name(),
                        link.alias().orElse("no alias"),
                        bridgeGone ? ": its bridge is gone" : ": its instance's namespace is gone");
                removeDevice(link.name());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- segments

    private void ensureBridge(String bridge, Link existing, int mtu) {
        if (existing == null) {
            ip(bridge, "link add name %s type bridge".formatted(bridge));
            // The node itself must not be a host on a tenant's L2: no IPv6 link-local address on the bridge.
            ip(bridge, "link set dev %s addrgenmode none".formatted(bridge));
        }
        if (existing == null || existing.mtu() != mtu || !existing.up()) {
            ip(bridge, "link set dev %s mtu %d up".formatted(bridge, mtu));
        }
    }

    private void ensureVxlan(int vni, String vxlan, String bridge, Link existing, Underlay u) {
        if (existing != null && !hasWantedShape(vni, vxlan, u)) {
            // Made for another underlay address or device (the node was readdressed): replace it. Its flood entries
            // go with it and are added again below.
            log.info(
                    "replacing {}: its VXLAN settings differ from VNI {} local {} dev {}",
                    vxlan,
                    vni,
                    underlayAddress,
                    u.device());
            removeDevice(vxlan);
            existing = null;
        }
        if (existing == null) {
            // learning: the device learns which node each MAC lives on from the frames it receives, so only floods
            // need the replication list.
            ip(
                    vxlan,
                    "link add name %s type vxlan id %d local %s dev %s dstport %d learning"
                            .formatted(vxlan, vni, underlayAddress, u.device(), VXLAN_PORT));
            ip(vxlan, "link set dev %s addrgenmode none".formatted(vxlan));
        }
        int mtu = u.tenantMtu();
        if (existing == null
                || !existing.master().equals(Optional.of(bridge))
                || existing.mtu() != mtu
                || !existing.up()) {
            ip(vxlan, "link set dev %s master %s mtu %d up".formatted(vxlan, bridge, mtu));
        }
    }

    private boolean hasWantedShape(int vni, String vxlan, Underlay u) {
        String details = run(vxlan, List.of("ip", "-d", "-o", "link", "show", "dev", vxlan))
                .stdout();
        Matcher m = VXLAN_DETAILS.matcher(details);
        if (!m.find()) {
            return false;
        }
        String settings = m.group(2);
        return Integer.parseInt(m.group(1)) == vni
                && find(LOCAL, settings).equals(Optional.of(underlayAddress))
                && find(DEV, settings).equals(Optional.of(u.device()))
                && find(DSTPORT, settings).equals(Optional.of(Integer.toString(VXLAN_PORT)))
                && !settings.contains("nolearning");
    }

    private void syncFloodEntries(String vxlan, Set<String> remotes) {
        Set<String> present = FloodEntries.parse(
                run(vxlan, List.of("bridge", "fdb", "show", "dev", vxlan)).stdout());
        FloodEntries changes = FloodEntries.changes(present, remotes);
        for (String remote : changes.toAdd()) {
            run(vxlan, List.of("bridge", "fdb", "append", FloodEntries.ALL_ZEROS, "dev", vxlan, "dst", remote));
        }
        for (String remote : changes.toRemove()) {
            run(vxlan, List.of("bridge", "fdb", "del", FloodEntries.ALL_ZEROS, "dev", vxlan, "dst", remote));
        }
    }

    private static Set<Integer> segments(Map<String, Link> links) {
        Set<Integer> vnis = new TreeSet<>();
        for (String name : links.keySet()) {
            DeviceNames.vniOfBridge(name).ifPresent(vnis::add);
        }
        return vnis;
    }

    // --------------------------------------------------------------------------------------------------- instances

    private void plumb(Attachment a, String hostVeth, String bridge, int mtu) {
        String ns = a.namespace();
        String peer = DeviceNames.peerVeth(ns, a.vni());
        String inside = a.interfaceName() + " in namespace " + ns;
        String mac = DeviceNames.mac(a.address());
        // The peer is made directly inside the namespace, under a temporary name unique on the node, so it never sits
        // in the node's namespace where it could clash with another instance's interface name.
        ip(
                hostVeth,
                "link add name %s mtu %d type veth peer name %s mtu %d netns %s"
                        .formatted(hostVeth, mtu, peer, mtu, ns));
        // The name is a hash; the alias says whom the veth serves, for people and for collision checks.
        run(hostVeth, List.of("ip", "link", "set", "dev", hostVeth, "alias", alias(a)));
        ip(hostVeth, "link set dev %s addrgenmode none master %s up".formatted(hostVeth, bridge));
        ip(inside, "-n %s link set dev %s name %s address %s".formatted(ns, peer, a.interfaceName(), mac));
        ip(inside, "-n %s addr add %s dev %s".formatted(ns, a.cidr(), a.interfaceName()));
        ip(inside, "-n %s link set dev %s up".formatted(ns, a.interfaceName()));
    }

    /** Whether the attachment is exactly as {@link #plumb} makes it, judged from the host veth and the inside. */
    private boolean isComplete(Attachment a, Link hostVeth, String bridge, int mtu) {
        if (!hostVeth.master().equals(Optional.of(bridge))
                || !hostVeth.up()
                || hostVeth.mtu() != mtu
                || !hostVeth.peerNamespace().equals(Optional.of(a.namespace()))) {
            return false;
        }
        CommandResult link = tryRun(List.of("ip", "-n", a.namespace(), "-o", "link", "show", "dev", a.interfaceName()));
        Optional<Link> inside = link.succeeded() ? Link.parse(link.stdout().strip()) : Optional.empty();
        if (inside.isEmpty()
                || inside.get().peerIndex() != hostVeth.index()
                || !inside.get().up()
                || inside.get().mtu() != mtu
                || !inside.get().mac().equals(Optional.of(DeviceNames.mac(a.address())))) {
            return false;
        }
        CommandResult addresses =
                tryRun(List.of("ip", "-n", a.namespace(), "-o", "-4", "addr", "show", "dev", a.interfaceName()));
        return addresses.succeeded() && addresses.stdout().contains(" inet " + a.cidr() + " ");
    }

    /**
     * One gratuitous ARP from the instance, so that every node of the segment learns at once where its MAC lives now
     * (the flood reaches them all) instead of sending its frames to the node it lived on before until their entries
     * age out. Best effort: without arping, learning catches up with the instance's first packet.
     */
    private void announce(Attachment a) {
        Optional<List<String>> tool = arping();
        if (tool.isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", a.namespace()));
        argv.addAll(tool.get());
        argv.addAll(List.of("-U", "-c", "1", "-I", a.interfaceName(), a.address()));
        CommandResult result = bestEffort(argv);
        if (!result.succeeded()) {
            log.debug(
                    "gratuitous ARP from {} failed: {}",
                    a.namespace(),
                    result.stderr().strip());
        }
    }

    private Optional<List<String>> arping() {
        if (arping == null) {
            if (bestEffort(List.of("sh", "-c", "command -v arping")).succeeded()) {
                arping = Optional.of(List.of("arping"));
            } else if (bestEffort(List.of("busybox", "--list")).stdout().lines().anyMatch("arping"::equals)) {
                arping = Optional.of(List.of("busybox", "arping"));
            } else {
                arping = Optional.empty();
            }
        }
        return arping;
    }

    private static String alias(Attachment a) {
        return "atoll-net netns=" + a.namespace() + " vni=" + a.vni();
    }

    // ------------------------------------------------------------------------------------------------- the machine

    private Underlay underlay() {
        if (underlay == null) {
            String addresses = run("the underlay", List.of("ip", "-o", "-4", "addr", "show"))
                    .stdout();
            String device = null;
            for (String line : addresses.split("\n")) {
                Matcher m = IPV4_ADDRESS.matcher(line.strip());
                if (m.find() && m.group(2).equals(underlayAddress)) {
                    device = m.group(1);
                    break;
                }
            }
            if (device == null) {
                throw new NetworkPlumbingException(
                        "the underlay address " + underlayAddress + " is on no interface of this node");
            }
            Link link = links().get(device);
            if (link == null || link.mtu() <= VXLAN_OVERHEAD) {
                throw new NetworkPlumbingException("cannot read the MTU of the underlay device " + device);
            }
            underlay = new Underlay(device, link.mtu());
        }
        return underlay;
    }

    private Map<String, Link> links() {
        Map<String, Link> links = new LinkedHashMap<>();
        for (Link link : Link.parseAll(
                run("the node's links", List.of("ip", "-o", "link", "show")).stdout())) {
            links.put(link.name(), link);
        }
        return links;
    }

    /** Deletes a device; one that is not there counts as deleted, so every removal can be repeated. */
    private void removeDevice(String device) {
        List<String> argv = List.of("ip", "link", "del", "dev", device);
        CommandResult result = tryRun(argv);
        if (!result.succeeded() && !isMissing(result.stderr())) {
            throw failure(device, argv, result);
        }
    }

    private static boolean isMissing(String stderr) {
        return stderr.contains("Cannot find device") || stderr.contains("does not exist");
    }

    /**
     * Runs {@code ip} with {@code args} split at spaces: fine for names, addresses and numbers, which never hold one
     * (free text such as an alias goes through {@link #run}).
     */
    private void ip(String device, String args) {
        List<String> argv = new ArrayList<>();
        argv.add("ip");
        argv.addAll(List.of(args.split(" ")));
        run(device, argv);
    }

    /** Runs a command that must succeed; {@code device} is what the message names when it does not. */
    private CommandResult run(String device, List<String> argv) {
        CommandResult result = tryRun(argv);
        if (!result.succeeded()) {
            throw failure(device, argv, result);
        }
        return result;
    }

    /** Runs a command whose failure the caller judges; only a command that could not run at all throws. */
    private CommandResult tryRun(List<String> argv) {
        try {
            return commands.run(argv);
        } catch (IOException e) {
            throw new NetworkPlumbingException("`" + String.join(" ", argv) + "` could not run: " + e.getMessage(), e);
        }
    }

    /** Runs a command that may fail (a probe for an optional tool, an optional step): failing to start is an answer. */
    private CommandResult bestEffort(List<String> argv) {
        try {
            return commands.run(argv);
        } catch (IOException e) {
            return CommandResult.failed(127, String.valueOf(e.getMessage()));
        }
    }

    private static NetworkPlumbingException failure(String device, List<String> argv, CommandResult result) {
        return new NetworkPlumbingException("plumbing " + device + " failed: `" + String.join(" ", argv)
                + "` exited with " + result.exitCode() + ": " + result.stderr().strip());
    }

    private static Optional<String> find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
