package dev.atoll.agent.network;

import dev.atoll.agent.driver.Executables;
import dev.atoll.agent.driver.HostCommands;
import dev.atoll.agent.driver.LaunchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A network namespace per instance (container, or process on a tenant network), joined to the host by a veth pair with point-to-point addresses
 * from 100.127.0.0/16, one /30 block each. Blocks are leased host-wide by creating a file exclusively
 * under a directory every agent on the host shares, so several agents never hand out the same block;
 * the block number also names the namespace and the host's veth, so those are unique host-wide too.
 * A lease file says which driver (its state directory) and container hold it.
 */
public final class InstanceLinks {
    public static final Path HOST_LEASES = Path.of("/run/atoll/oci-leases");
    /** Where `ip netns exec` finds the files it puts in place of /etc's for a namespace. */
    static final Path NETNS_ETC = Path.of("/etc/netns");

    static final int BLOCKS = 1 << 14; // 100.127.0.0/16 in /30 blocks
    /**
     * The last block is never leased: inside each micro-VM's namespace it is the link between the namespace and its
     * guest, the same on every node, so a guest that moves live keeps its addresses (see {@link #GUEST_ADDRESS}).
     */
    static final int LEASABLE_BLOCKS = BLOCKS - 1;
    /** A micro-VM's own address on its link card, on every node. */
    public static final String GUEST_ADDRESS = "100.127.255.254";
    /** The namespace's end of a micro-VM's link card: the guest's gateway and name server, on every node. */
    public static final String GUEST_GATEWAY = "100.127.255.253";

    static final String NETNS_PREFIX = "atoll-oci-";

    private final Path leaseDir;
    private final String owner;
    private final String ip;
    private final Optional<Path> nsenter = Executables.find("nsenter");
    private int nextHint;

    public InstanceLinks(Path leaseDir, String owner, Path ip) {
        this.leaseDir = leaseDir;
        this.owner = owner;
        this.ip = ip.toString();
    }

    /** Where one container is attached; everything here is derived from the block. */
    public record Attachment(int block) {
        public String netns() {
            return NETNS_PREFIX + block;
        }

        public Path netnsPath() {
            return Path.of("/run/netns", netns());
        }

        public String hostVeth() {
            return "atoll" + block + "h";
        }

        public String peerVeth() {
            return "atoll" + block + "c";
        }

        /**
         * The tap device of a micro-VM's card {@code card}: 0 is its link (moved into the namespace), 1.. its tenant
         * networks in order (plugged into their segments). Unique on the host, like the block.
         */
        public String guestTap(int card) {
            return "atoll" + block + "t" + card;
        }

        public String hostAddress() {
            return address(1);
        }

        public String containerAddress() {
            return address(2);
        }

        private String address(int offset) {
            int n = block * 4 + offset;
            return "100.127." + (n >> 8) + "." + (n & 0xff);
        }
    }

    /** A lease this driver holds. */
    public record Lease(Attachment attachment, String containerId) {}

    /** Leases a block and sets up the namespace and veth pair; on failure nothing is left behind. */
    public Attachment attach(String containerId) throws LaunchException {
        return attach(containerId, true);
    }

    /**
     * As {@link #attach(String)}; without {@code defaultRoute} the instance reaches nothing through
     * its link but the host's end of it (where the node's DNS server answers), so an instance on a
     * tenant network cannot reach the node's own addresses, where other tenants' ports are published.
     */
    public Attachment attach(String containerId, boolean defaultRoute) throws LaunchException {
        Attachment a = lease(containerId);
        // A namespace of this number left by an agent that crashed before releasing it is stale: the
        // lease is ours now.
        removeLinks(a);
        String host = "netns add " + a.netns() + "\n"
                + "link add " + a.hostVeth() + " type veth peer name " + a.peerVeth() + " netns " + a.netns() + "\n"
                + "addr add " + a.hostAddress() + "/30 dev " + a.hostVeth() + "\n"
                + "link set " + a.hostVeth() + " up\n";
        String inside = "link set " + a.peerVeth() + " name eth0\n"
                + "addr add " + a.containerAddress() + "/30 dev eth0\n"
                + "link set eth0 up\n"
                + "link set lo up\n"
                + (defaultRoute ? "route add default via " + a.hostAddress() + "\n" : "");
        var first = HostCommands.run(List.of(ip, "-batch", "-"), host);
        var second = first.ok() ? HostCommands.run(inNamespace(a, List.of(ip, "-batch", "-")), inside) : first;
        if (!second.ok()) {
            detach(a, containerId);
            throw new LaunchException("cannot set up the container's network: " + second.output());
        }
        return a;
    }

    /** Runs {@code argv} inside the namespace of {@code a}, with {@code input} on its stdin (or nothing). */
    public HostCommands.Result runInside(Attachment a, List<String> argv, String input) {
        return HostCommands.run(inNamespace(a, argv), input);
    }

    /**
     * argv run inside the container's network namespace. nsenter joins only that namespace; {@code ip -n}
     * would also make a new mount namespace (to remount /sys), whose cost grows with the host's mounts.
     */
    private List<String> inNamespace(Attachment a, List<String> argv) {
        var out = new ArrayList<String>();
        if (nsenter.isPresent()) {
            out.addAll(List.of(nsenter.get().toString(), "--net=" + a.netnsPath()));
            out.addAll(argv);
        } else {
            out.add(argv.getFirst());
            out.addAll(List.of("-n", a.netns()));
            out.addAll(argv.subList(1, argv.size()));
        }
        return out;
    }

    /**
     * Makes {@code content} the resolv.conf of every program run in the namespace with {@code ip netns
     * exec}: plain processes on tenant networks run that way, and an operator looking into a
     * container's namespace from the host then asks the same server the container does. Removed with
     * the namespace.
     */
    public void useResolvConf(Attachment a, String content) throws LaunchException {
        Path dir = NETNS_ETC.resolve(a.netns());
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("resolv.conf"), content);
        } catch (IOException e) {
            throw new LaunchException("cannot write " + dir.resolve("resolv.conf") + ": " + e, e);
        }
    }

    /** Removes the namespace and veth pair and releases the lease if it is still this container's. */
    public void detach(Attachment a, String containerId) {
        removeLinks(a);
        Path file = leaseDir.resolve(Integer.toString(a.block()));
        if (holder(file).filter(containerId::equals).isPresent()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // Left for reclaim; a held block only shrinks the pool.
            }
        }
    }

    private void removeLinks(Attachment a) {
        if (Files.exists(a.netnsPath())) {
            // Whatever still runs in it was left by a crash: it would keep the namespace alive, unnamed
            // and out of reach, with its addresses.
            var pids = HostCommands.run(List.of(ip, "netns", "pids", a.netns()));
            if (pids.ok()) {
                pids.output()
                        .lines()
                        .map(String::strip)
                        .filter(l -> l.matches("\\d+"))
                        .forEach(
                                pid -> ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly));
            }
            HostCommands.run(List.of(ip, "netns", "delete", a.netns()));
        }
        try {
            Files.deleteIfExists(NETNS_ETC.resolve(a.netns()).resolve("resolv.conf"));
            Files.deleteIfExists(NETNS_ETC.resolve(a.netns()));
        } catch (IOException e) {
            // Harmless: the next namespace of this block writes its own.
        }
        // Deleting the namespace takes the pair with it; this covers a pair whose namespace is gone.
        if (Files.exists(Path.of("/sys/class/net", a.hostVeth()))) {
            HostCommands.run(List.of(ip, "link", "delete", a.hostVeth()));
        }
    }

    /** Every lease this driver (same owner) holds. */
    public List<Lease> leases() {
        var out = new ArrayList<Lease>();
        try (var files = Files.list(leaseDir)) {
            for (Path file : files.toList()) {
                int block;
                try {
                    block = Integer.parseInt(file.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                holder(file).ifPresent(id -> out.add(new Lease(new Attachment(block), id)));
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private synchronized Attachment lease(String containerId) throws LaunchException {
        try {
            Files.createDirectories(leaseDir);
        } catch (IOException e) {
            throw new LaunchException("cannot create the address lease directory " + leaseDir + ": " + e, e);
        }
        byte[] content = (owner + "\n" + containerId + "\n").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < LEASABLE_BLOCKS; i++) {
            int block = (nextHint + i) % LEASABLE_BLOCKS;
            Path file = leaseDir.resolve(Integer.toString(block));
            try {
                Files.write(file, content, java.nio.file.StandardOpenOption.CREATE_NEW);
                nextHint = (block + 1) % LEASABLE_BLOCKS;
                return new Attachment(block);
            } catch (FileAlreadyExistsException e) {
                // held by another container, maybe another agent's
            } catch (IOException e) {
                throw new LaunchException("cannot lease a container address in " + leaseDir + ": " + e, e);
            }
        }
        throw new LaunchException(
                "no container address left: all " + LEASABLE_BLOCKS + " blocks of 100.127.0.0/16 are leased");
    }

    /** The container holding a lease file, when this driver is its owner. */
    private Optional<String> holder(Path file) {
        try {
            var lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() >= 2 && lines.get(0).equals(owner)) return Optional.of(lines.get(1));
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
