package dev.atoll.agent.network;

import dev.atoll.agent.driver.LaunchException;
import dev.atoll.model.agent.AgentCalls;
import dev.atoll.model.agent.NetworkAttachment;
import dev.atoll.model.network.NetworkMember;
import dev.atoll.net.dns.DnsEndpoint;
import dev.atoll.net.dns.DnsServer;
import dev.atoll.net.dns.NameTable;
import dev.atoll.net.plumbing.Attachment;
import dev.atoll.net.plumbing.NodeNetworks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's side of tenant networks: puts instances on their segments (a VXLAN device and a bridge
 * per segment, a veth pair per instance and network, see atoll-net's plumbing), keeps every
 * segment's tunnels pointed at exactly the other nodes that host it, and answers DNS for the
 * instances here from what the site knows of every member in the cloud.
 *
 * <p>Which tenant asks a DNS question is known by where it comes from: the instance end of the
 * instance's link to the node, leased to that one instance. A name of another tenant is answered
 * as if it did not exist.
 */
public final class TenantNetworks implements InstanceNetworks, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TenantNetworks.class);
    /** Names follow a moved replica within 2 s: the site refreshes every ~0.3 s, the node as often. */
    public static final Duration SYNC_PERIOD = Duration.ofMillis(300);

    private final NodeNetworks plumbing;
    private final String nodeName;
    private final InetAddress nodeAddress;
    private final NetworkSource source;
    private final int dnsPort;
    /** Instance link namespace → its attachments; joined instances only. */
    private final Map<String, List<NetworkAttachment>> joined = new ConcurrentHashMap<>();
    /** Instance end of a link → tenant, for DNS. */
    private final Map<String, String> tenantByClient = new ConcurrentHashMap<>();
    /** Remote tunnel ends last set per segment. */
    private final Map<Integer, Set<String>> peersBySegment = new ConcurrentHashMap<>();

    private volatile NameTable names = NameTable.empty();
    /** What the site said last; the names are rebuilt only when it says something else. */
    private volatile AgentCalls.NetworkView view = new AgentCalls.NetworkView("", List.of(), Map.of());

    private volatile DnsServer dns;
    private volatile Thread syncing;
    private volatile boolean closed;

    public TenantNetworks(
            NodeNetworks plumbing, String nodeName, InetAddress nodeAddress, NetworkSource source, int dnsPort) {
        this.plumbing = plumbing;
        this.nodeName = nodeName;
        this.nodeAddress = nodeAddress;
        this.source = source;
        this.dnsPort = dnsPort;
    }

    /** Starts the DNS server; fails when its port is taken (another agent on this host has it). */
    public TenantNetworks openDns() throws IOException {
        if (dns == null) {
            dns = DnsServer.start(
                    new InetSocketAddress(InetAddress.getByName("0.0.0.0"), dnsPort),
                    client -> Optional.ofNullable(tenantByClient.get(client.getHostAddress())),
                    () -> names);
        }
        return this;
    }

    /**
     * Removes the segments no instance here is on, then follows the site. Called once the agent has
     * adopted what it still runs, so that segments of adopted instances are not taken for leftovers.
     */
    public void start() {
        removeUnwantedSegments();
        syncing = Thread.ofVirtual().name("atoll-networks-" + nodeName).start(this::syncLoop);
    }

    @Override
    public List<InetAddress> publishOn() {
        var loopback = InetAddress.getLoopbackAddress();
        return nodeAddress.equals(loopback) ? List.of(loopback) : List.of(loopback, nodeAddress);
    }

    @Override
    public synchronized void join(String tenant, InstanceLinks.Attachment link, List<NetworkAttachment> networks)
            throws LaunchException {
        onSegments(tenant, link, networks, "cannot attach the instance to its networks: ", (i, n) -> {
            plumbing.attach(new Attachment(link.netns(), n.vni(), "eth" + (i + 1), n.address(), n.prefixLength()));
            return 0;
        });
    }

    @Override
    public synchronized List<Integer> plug(
            String tenant, InstanceLinks.Attachment link, List<NetworkAttachment> networks, List<String> taps)
            throws LaunchException {
        if (networks.size() != taps.size()) {
            throw new IllegalArgumentException(networks.size() + " networks but " + taps.size() + " taps");
        }
        return onSegments(
                tenant,
                link,
                networks,
                "cannot plug the micro-VM into its networks: ",
                (i, n) -> plumbing.plugTap(taps.get(i), n.vni()));
    }

    /**
     * Makes each network's segment here with its tunnels, then plugs the instance in ({@code plugIn}: the
     * network's index and attachment to what it gives, kept in order); on failure the instance is on none.
     */
    private List<Integer> onSegments(
            String tenant,
            InstanceLinks.Attachment link,
            List<NetworkAttachment> networks,
            String failure,
            java.util.function.BiFunction<Integer, NetworkAttachment, Integer> plugIn)
            throws LaunchException {
        if (networks.isEmpty()) return List.of();
        // Wanted before it is made, or a sync in between would take the new segment for a leftover.
        joined.put(link.netns(), List.copyOf(networks));
        var given = new ArrayList<Integer>();
        try {
            for (int i = 0; i < networks.size(); i++) {
                NetworkAttachment n = networks.get(i);
                Set<String> peers = peersOf(n.vni());
                plumbing.ensureSegment(n.vni(), peers);
                peersBySegment.put(n.vni(), peers);
                given.add(plugIn.apply(i, n));
            }
        } catch (RuntimeException e) {
            joined.remove(link.netns());
            throw new LaunchException(failure + e.getMessage(), e);
        }
        tenantByClient.put(link.containerAddress(), tenant);
        return List.copyOf(given);
    }

    @Override
    public synchronized void leave(InstanceLinks.Attachment link) {
        joined.remove(link.netns());
        tenantByClient.remove(link.containerAddress());
    }

    /** The segments instances here are on. */
    Set<Integer> wantedSegments() {
        Set<Integer> vnis = new TreeSet<>();
        for (var networks : joined.values()) for (var n : networks) vnis.add(n.vni());
        return vnis;
    }

    private void syncLoop() {
        while (!closed) {
            try {
                // A node with no instance on a network needs neither names nor tunnels: it does not ask.
                if (!joined.isEmpty()) sync(source.fetch());
                else if (!peersBySegment.isEmpty()) removeUnwantedSegments();
            } catch (IOException | RuntimeException e) {
                log.debug("node {}: network sync failed: {}", nodeName, e.toString());
            }
            try {
                Thread.sleep(SYNC_PERIOD);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One round: new names, tunnels to exactly the nodes that share each segment, and no segment nobody here uses. */
    synchronized void sync(AgentCalls.NetworkView latest) {
        if (!latest.equals(view)) {
            view = latest;
            names = NameTable.of(
                    endpoints(latest.members()),
                    latest.site(),
                    site -> latest.site().equals(site) ? 0 : latest.rttMicros().getOrDefault(site, Long.MAX_VALUE));
        }
        Set<Integer> wanted = wantedSegments();
        for (int vni : wanted) {
            Set<String> peers = peersOf(vni);
            if (!peers.equals(peersBySegment.get(vni))) {
                plumbing.ensureSegment(vni, peers);
                peersBySegment.put(vni, peers);
            }
        }
        // Listing the node's devices costs a process; only a segment this node stopped using can go.
        if (!wanted.containsAll(peersBySegment.keySet())) removeUnwantedSegments();
    }

    private synchronized void removeUnwantedSegments() {
        Set<Integer> wanted = wantedSegments();
        for (int vni : plumbing.segments()) {
            if (!wanted.contains(vni)) plumbing.removeSegment(vni);
        }
        peersBySegment.keySet().retainAll(wanted);
    }

    private Set<String> peersOf(int vni) {
        return tunnelEnds(view.members(), vni, nodeAddress.getHostAddress());
    }

    /** Underlay addresses of the other nodes with a member on the segment: where its tunnels go. */
    static Set<String> tunnelEnds(List<NetworkMember> members, int vni, String self) {
        Set<String> peers = new TreeSet<>();
        for (NetworkMember m : members) {
            if (m.nodeAddress().isEmpty() || m.nodeAddress().equals(self)) continue;
            for (var n : m.networks()) if (n.vni() == vni) peers.add(m.nodeAddress());
        }
        return peers;
    }

    /** What DNS names: every address of every member, once each. */
    static List<DnsEndpoint> endpoints(List<NetworkMember> members) {
        List<DnsEndpoint> endpoints = new ArrayList<>();
        Map<String, Set<String>> seen = new HashMap<>();
        for (NetworkMember m : members) {
            for (NetworkAttachment n : m.networks()) {
                // A replica answers once per address, whichever copy reports it.
                if (!seen.computeIfAbsent(m.id().key(), k -> new HashSet<>()).add(n.address())) continue;
                endpoints.add(new DnsEndpoint(
                        m.id().tenant(),
                        m.id().environment(),
                        m.id().service(),
                        m.id().index(),
                        n.address(),
                        m.ports(),
                        m.site(),
                        m.healthy()));
            }
        }
        return endpoints;
    }

    @Override
    public void close() {
        closed = true;
        if (syncing != null) syncing.interrupt();
        if (dns != null) dns.close();
    }
}
