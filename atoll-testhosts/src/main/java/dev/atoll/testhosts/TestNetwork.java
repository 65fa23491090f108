package dev.atoll.testhosts;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux bridge in the root namespace with hosts (network namespaces) plugged into it: a small underlay of real
 * machines for tests that need real processes, real sockets and real faults. Needs root and iproute2; check with
 * {@link HostCapabilities#check()} or annotate the test with {@link RequiresHosts}.
 *
 * <p>Addresses come from 198.18.0.0/15 (RFC 2544, for benchmarking), never private or public ranges. Each network
 * takes a free /24 inside it, so test JVMs running side by side on one machine do not share routes: the bridge is
 * {@code .1}, hosts get {@code .2}, {@code .3}, ... in the order they are added.
 *
 * <p>{@link #close()} kills every process started in its hosts and removes namespaces, veths and the bridge; it is
 * idempotent and also runs from a shutdown hook. A JVM killed with -9 leaves objects behind that {@link
 * #cleanupLeftovers()} (called by every {@link #create}) removes.
 */
public final class TestNetwork implements AutoCloseable {
    /** 198.18.0.0/15 holds 512 /24s. */
    private static final int SUBNETS = 512;

    private static final int MAX_HOSTS = 253;
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Pattern INET = Pattern.compile("inet (198\\.1[89]\\.\\d+)\\.\\d+/");

    private final String runId;
    private final String label;
    private final int subnet;
    private final List<Host> hosts = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private TestNetwork(String runId, String label, int subnet) {
        this.runId = runId;
        this.label = label;
        this.subnet = subnet;
        this.shutdownHook = new Thread(this::closeQuietly, "testhosts-cleanup-" + runId);
    }

    /**
     * Creates the bridge of a new network. {@code label} only names the network in logs and in the bridge's alias
     * (e.g. the test class); kernel names use a fresh run id such as {@code atb3f9c}.
     */
    public static TestNetwork create(String label) {
        cleanupLeftovers();
        TestNetwork network = HarnessRuns.underMachineLock(() -> {
            String runId = HarnessRuns.freshRunId();
            int subnet = freeSubnet();
            TestNetwork created = new TestNetwork(runId, label, subnet);
            try {
                HarnessRuns.createOwnedBridge(runId, label);
                Commands.ip("addr", "add", created.addressText(1) + "/24", "dev", runId);
                Commands.ip("link", "set", "dev", runId, "up");
            } catch (RuntimeException e) {
                created.closeAfterFailure(e);
                throw e;
            }
            return created;
        });
        Runtime.getRuntime().addShutdownHook(network.shutdownHook);
        return network;
    }

    /** Removes what crashed runs of this harness left behind; runs whose JVM is alive are kept. */
    public static List<String> cleanupLeftovers() {
        return cleanupLeftovers(HarnessRuns.PREFIX);
    }

    /**
     * Removes leftovers whose names start with {@code prefix}, which must start with the harness's own prefix
     * {@code atb}: this never touches anything the harness did not create. Returns what it removed.
     */
    public static List<String> cleanupLeftovers(String prefix) {
        return HarnessRuns.cleanupLeftovers(prefix);
    }

    /**
     * Adds a host: a namespace {@code RUNID-name} whose {@code eth0} is one end of a veth pair, the other end on the
     * bridge; gives it the next free address and brings up {@code lo} and {@code eth0}.
     */
    public synchronized Host addHost(String name) {
        if (closed) {
            throw new IllegalStateException("network " + runId + " is closed");
        }
        if (!HOST_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "host name must be 1-32 characters of a-z, 0-9 and '-', starting with a letter or digit: " + name);
        }
        if (host(name).isPresent()) {
            throw new IllegalArgumentException("network " + runId + " already has a host named " + name);
        }
        if (hosts.size() >= MAX_HOSTS) {
            throw new IllegalStateException("network " + runId + " is full (" + MAX_HOSTS + " hosts)");
        }
        int index = hosts.size() + 1;
        InetAddress address = address(index + 1);
        Host host = new Host(name, runId + "-" + name, runId + "h" + index, address);
        // Registered before anything exists so close() removes whatever part of it got made.
        hosts.add(host);
        String ns = host.namespace();
        String veth = host.bridgePort();
        Commands.ip("netns", "add", ns);
        Commands.ip("link", "add", "name", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Commands.ip("link", "set", "dev", veth, "master", runId);
        Commands.ip("link", "set", "dev", veth, "up");
        Commands.ip("-n", ns, "addr", "add", address.getHostAddress() + "/24", "dev", "eth0");
        Commands.ip("-n", ns, "link", "set", "dev", "lo", "up");
        Commands.ip("-n", ns, "link", "set", "dev", "eth0", "up");
        return host;
    }

    /** The run id: the bridge's name and the prefix of every namespace and veth of this network. */
    public String runId() {
        return runId;
    }

    public String label() {
        return label;
    }

    public String bridgeName() {
        return runId;
    }

    /** The bridge's own address, through which the test JVM (root namespace) reaches the hosts. */
    public InetAddress bridgeAddress() {
        return address(1);
    }

    public List<Host> hosts() {
        return List.copyOf(hosts);
    }

    public Optional<Host> host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    /**
     * Kills every process started in the hosts (with descendants, and anything else inside their namespaces), then
     * deletes namespaces, veths and the bridge. Keeps going past failures and reports them all at the end. Calling it
     * again does nothing.
     */
    @Override
    public void close() {
        List<RuntimeException> failures = closeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is what called us, or will find nothing left to do.
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    private synchronized List<RuntimeException> closeAll() {
        List<RuntimeException> failures = new ArrayList<>();
        if (closed) {
            return failures;
        }
        closed = true;
        for (Host host : hosts) {
            collect(failures, host::killAll);
        }
        for (Host host : hosts) {
            collect(failures, () -> HarnessRuns.removeNamespace(host.namespace()));
            collect(failures, () -> Commands.ipIgnoringMissing("link", "del", "dev", host.bridgePort()));
        }
        collect(failures, () -> Commands.ipIgnoringMissing("link", "del", "dev", runId));
        return failures;
    }

    private void closeAfterFailure(RuntimeException cause) {
        closeAll().forEach(cause::addSuppressed);
    }

    private void closeQuietly() {
        closeAll();
    }

    private static void collect(List<RuntimeException> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    private static int freeSubnet() {
        BitSet used = new BitSet(SUBNETS);
        Matcher m = INET.matcher(Commands.ip("-o", "-4", "addr", "show"));
        while (m.find()) {
            String[] octets = m.group(1).split("\\.");
            used.set((Integer.parseInt(octets[1]) - 18) * 256 + Integer.parseInt(octets[2]));
        }
        int free = used.nextClearBit(0);
        if (free >= SUBNETS) {
            throw new IllegalStateException("every /24 of 198.18.0.0/15 is in use on this machine");
        }
        return free;
    }

    private String addressText(int hostPart) {
        return "198." + (18 + subnet / 256) + "." + (subnet % 256) + "." + hostPart;
    }

    private InetAddress address(int hostPart) {
        try {
            return InetAddress.getByName(addressText(hostPart));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a literal address cannot fail to parse", e);
        }
    }

    @Override
    public String toString() {
        return "TestNetwork[" + runId + " " + label + " " + addressText(0) + "/24, " + hosts.size() + " hosts]";
    }
}
