package dev.atoll.agent.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atoll.agent.driver.Executables;
import dev.atoll.agent.driver.HostCommands;
import dev.atoll.agent.driver.LaunchException;
import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.model.agent.NetworkAttachment;
import dev.atoll.model.json.AtollJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Gives a plain process what a container has: a network namespace of its own, joined to the node by
 * a link (see {@link InstanceLinks}), its tenant networks, a resolv.conf pointing at the node's DNS
 * server, and its ports published on the node's addresses. The process is then run through
 * {@code ip netns exec}, which enters the namespace and puts the namespace's resolv.conf in place
 * before it executes the command (so the pid stays the process's own).
 *
 * <p>What an isolated instance holds is written down per instance, so an agent that restarts can
 * open its forwarders again, and one that crashed can have what it left removed.
 */
public final class InstanceNamespaces {
    private static final ObjectMapper JSON = AtollJson.internal();

    private final InstanceLinks links;
    private final InstanceNetworks networks;
    private final Path records;
    private final String ip;
    private final Map<String, List<PortForwarder>> forwarders = new ConcurrentHashMap<>();

    /**
     * One isolated instance, as written down. A {@code guest} (micro-VM) holds its addresses itself, behind tap
     * devices ({@link InstanceLinks.Attachment#guestTap}); the namespace only links it to the node.
     */
    public record Isolation(
            String instance,
            int block,
            String tenant,
            Map<String, Integer> ports,
            List<NetworkAttachment> networks,
            boolean guest) {
        public Isolation {
            ports = ports == null ? Map.of() : Map.copyOf(ports);
            networks = networks == null ? List.of() : List.copyOf(networks);
        }

        public InstanceLinks.Attachment link() {
            return new InstanceLinks.Attachment(block);
        }

        /** A guest's taps on its tenant networks, in the order of {@link #networks}. */
        public List<String> networkTaps() {
            return java.util.stream.IntStream.rangeClosed(1, networks.size())
                    .mapToObj(link()::guestTap)
                    .toList();
        }
    }

    /** A micro-VM's isolation, and the MTU of each of its networks (the guest must use them). */
    public record GuestIsolation(Isolation isolation, List<Integer> mtus) {}

    public InstanceNamespaces(Path stateDir, InstanceNetworks networks) {
        this.records = stateDir.resolve("namespaces");
        this.ip = Executables.find("ip").map(Path::toString).orElse("ip");
        this.links = new InstanceLinks(
                InstanceLinks.HOST_LEASES, stateDir.toAbsolutePath().toString(), Path.of(ip));
        this.networks = networks;
    }

    /** Sets up the namespace of a new instance; on failure nothing is left behind. */
    public Isolation isolate(LaunchSpec spec) throws LaunchException {
        release(spec.name()); // whatever an earlier life of this instance left
        var link = links.attach(spec.name(), false);
        var isolation = new Isolation(spec.name(), link.block(), spec.tenant(), spec.ports(), spec.networks(), false);
        try {
            save(isolation);
            networks.join(spec.tenant(), link, spec.networks());
            links.useResolvConf(link, networks.resolvConf(spec, link));
            List<String> unpublished = publish(isolation);
            if (!unpublished.isEmpty()) throw new LaunchException(unpublished.getFirst());
            return isolation;
        } catch (IOException e) {
            release(spec.name());
            throw new LaunchException("cannot set up the instance's network namespace: " + e, e);
        } catch (LaunchException | RuntimeException e) {
            release(spec.name());
            throw e;
        }
    }

    /**
     * Sets up the namespace of a new micro-VM: its link to the node, a tap per card (card 0, its link, stays on the
     * node until {@link #bringGuestLinkIn} once QEMU holds it; the others are plugged into their segments), and its
     * published ports. On failure nothing is left behind.
     */
    public GuestIsolation isolateGuest(LaunchSpec spec) throws LaunchException {
        release(spec.name());
        var link = links.attach(spec.name(), false);
        var isolation = new Isolation(spec.name(), link.block(), spec.tenant(), spec.ports(), spec.networks(), true);
        try {
            save(isolation);
            var taps = new StringBuilder();
            for (int card = 0; card <= spec.networks().size(); card++) {
                taps.append("tuntap add dev ").append(link.guestTap(card)).append(" mode tap\n");
            }
            var made = HostCommands.run(List.of(ip, "-batch", "-"), taps.toString());
            if (!made.ok()) throw new LaunchException("cannot make the micro-VM's tap devices: " + made.output());
            List<Integer> mtus = networks.plug(spec.tenant(), link, spec.networks(), isolation.networkTaps());
            List<String> unpublished = publish(isolation);
            if (!unpublished.isEmpty()) throw new LaunchException(unpublished.getFirst());
            return new GuestIsolation(isolation, mtus);
        } catch (IOException e) {
            release(spec.name());
            throw new LaunchException("cannot set up the micro-VM's network namespace: " + e, e);
        } catch (LaunchException | RuntimeException e) {
            release(spec.name());
            throw e;
        }
    }

    /**
     * Moves a micro-VM's link card (tap 0, which QEMU has opened by now) into its namespace, and makes the namespace
     * translate between the guest's fixed link addresses and the node's: what reaches the namespace's address (the
     * published ports) goes to the guest, and what the guest sends its gateway goes to the node's end of the link
     * (the DNS server), seen there as coming from the namespace's address, which tells the tenant. The guest's
     * addresses are the same on every node, so they survive a live move. Returns why the guest cannot be reached
     * through its link, or empty when it can (or when the node has no nft: see {@link #GUEST_TRANSLATION_TOOL}).
     */
    public Optional<String> bringGuestLinkIn(Isolation isolation) {
        var link = isolation.link();
        String tap = link.guestTap(0);
        var moved = HostCommands.run(List.of(ip, "link", "set", "dev", tap, "netns", link.netns()));
        if (!moved.ok()) return Optional.of("cannot move " + tap + " into " + link.netns() + ": " + moved.output());
        var up = links.runInside(
                link,
                List.of(ip, "-batch", "-"),
                "addr add " + InstanceLinks.GUEST_GATEWAY + "/30 dev " + tap + "\nlink set dev " + tap + " up\n");
        if (!up.ok()) return Optional.of("cannot bring " + tap + " up: " + up.output());
        var forwarding = links.runInside(link, List.of("sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"), null);
        if (!forwarding.ok()) return Optional.of("cannot turn on forwarding: " + forwarding.output());
        Optional<Path> nft = Executables.find(GUEST_TRANSLATION_TOOL);
        // Without it the guest has no ports and no DNS, but its tenant networks work; the driver said so.
        if (nft.isEmpty()) return Optional.empty();
        var translated = links.runInside(link, List.of(nft.get().toString(), "-f", "-"), guestTranslation(link));
        if (!translated.ok()) return Optional.of("nft refused the guest's translation: " + translated.output());
        return Optional.empty();
    }

    /** What translates a guest's link addresses; a node without it gives micro-VMs no ports and no DNS. */
    public static final String GUEST_TRANSLATION_TOOL = "nft";

    /** The nftables rules of {@link #bringGuestLinkIn}; connection tracking maps the answers back. */
    static String guestTranslation(InstanceLinks.Attachment link) {
        String tap = link.guestTap(0);
        return """
                table ip atoll_guest {
                  chain prerouting {
                    type nat hook prerouting priority dstnat; policy accept;
                    iifname "eth0" ip daddr %1$s dnat to %3$s
                    iifname "%5$s" ip daddr %4$s dnat to %2$s
                  }
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    oifname "eth0" ip saddr %3$s snat to %1$s
                    oifname "%5$s" ip saddr %2$s snat to %4$s
                  }
                }
                """.formatted(
                        link.containerAddress(),
                        link.hostAddress(),
                        InstanceLinks.GUEST_ADDRESS,
                        InstanceLinks.GUEST_GATEWAY,
                        tap);
    }

    /** A guest's resolv.conf: the node's DNS server, asked through its link's gateway (see {@link #bringGuestLinkIn}). */
    public String guestResolvConf(LaunchSpec spec, InstanceLinks.Attachment link) {
        return networks.resolvConf(spec, link)
                .replace("nameserver " + link.hostAddress(), "nameserver " + InstanceLinks.GUEST_GATEWAY);
    }

    /** The command run inside the instance's namespace. */
    public List<String> inside(Isolation isolation, List<String> argv) {
        var out = new ArrayList<String>(
                List.of(ip, "netns", "exec", isolation.link().netns()));
        out.addAll(argv);
        return out;
    }

    /** After an agent restart: the instance runs on, so its networks and published ports come back. */
    public Optional<Isolation> readopt(String instance) {
        Optional<Isolation> isolation = load(instance);
        if (isolation.isEmpty() || !Files.exists(isolation.get().link().netnsPath())) return Optional.empty();
        try {
            Isolation i = isolation.get();
            if (i.guest()) networks.plug(i.tenant(), i.link(), i.networks(), i.networkTaps());
            else networks.join(i.tenant(), i.link(), i.networks());
        } catch (LaunchException e) {
            // It keeps its namespace and runs on; its tunnels come back with the next sync.
        }
        publish(isolation.get());
        return isolation;
    }

    /** Closes the instance's forwarders and removes its namespace, link and record. Idempotent. */
    public void release(String instance) {
        List<PortForwarder> open = forwarders.remove(instance);
        if (open != null) open.forEach(PortForwarder::close);
        // A guest's taps outlive QEMU (they are made persistent); the link's goes with the namespace.
        load(instance).filter(Isolation::guest).ifPresent(guest -> {
            for (int card = 0; card <= guest.networks().size(); card++) {
                String tap = guest.link().guestTap(card);
                if (Files.exists(Path.of("/sys/class/net", tap))) {
                    HostCommands.run(List.of(ip, "link", "delete", "dev", tap));
                }
            }
        });
        for (var lease : links.leases()) {
            if (!lease.containerId().equals(instance)) continue;
            networks.leave(lease.attachment());
            links.detach(lease.attachment(), instance);
        }
        try {
            Files.deleteIfExists(recordOf(instance));
        } catch (IOException e) {
            // A stale record is harmless: the next release of this name removes it.
        }
    }

    /** Removes every namespace of this node's that none of {@code keep} (instance names) holds. */
    public void reclaim(Collection<String> keep) {
        var names = new TreeSet<String>();
        for (var lease : links.leases()) names.add(lease.containerId());
        try (Stream<Path> files = Files.exists(records) ? Files.list(records) : Stream.empty()) {
            files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".json"))
                    .forEach(f -> names.add(f.substring(0, f.length() - 5)));
        } catch (IOException e) {
            // What cannot be listed is left for the next start.
        }
        for (String name : names) if (!keep.contains(name)) release(name);
    }

    private List<String> publish(Isolation isolation) {
        var published = PortForwarder.publish(
                isolation.ports().values(),
                networks.publishOn(),
                isolation.link().containerAddress());
        List<PortForwarder> previous = forwarders.put(isolation.instance(), published.forwarders());
        if (previous != null) previous.forEach(PortForwarder::close);
        return published.failures();
    }

    private Path recordOf(String instance) {
        return records.resolve(instance + ".json");
    }

    private void save(Isolation isolation) throws IOException {
        Files.createDirectories(records);
        Path tmp = records.resolve(isolation.instance() + ".json.tmp");
        JSON.writeValue(tmp.toFile(), isolation);
        Files.move(tmp, recordOf(isolation.instance()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private Optional<Isolation> load(String instance) {
        Path file = recordOf(instance);
        if (!Files.exists(file)) return Optional.empty();
        try {
            return Optional.of(JSON.readValue(file.toFile(), Isolation.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
