package dev.atoll.net.plumbing;

import static dev.atoll.net.plumbing.InstanceNamespaces.in;
import static dev.atoll.net.plumbing.InstanceNamespaces.pings;
import static dev.atoll.net.plumbing.InstanceNamespaces.plumbingDevices;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.testhosts.Host;
import dev.atoll.testhosts.RequiresHosts;
import dev.atoll.testhosts.TestNetwork;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NodeNetworks on real namespaces: each node is a host of the test harness (a namespace on a shared underlay in
 * 198.18.0.0/15), NodeNetworks runs its commands inside it, and instances are namespaces with tenant addresses from
 * 100.64.0.0/10.
 */
@RequiresHosts
class NodeNetworksHostTest {
    static final int TENANT_A = 0x1001;
    static final int TENANT_B = 0x1002;

    TestNetwork network;
    InstanceNamespaces instances;

    @BeforeEach
    void createUnderlay() {
        network = TestNetwork.create("NodeNetworksHostTest");
        instances = new InstanceNamespaces();
    }

    @AfterEach
    void removeEverything() {
        try {
            instances.close();
        } finally {
            network.close(); // the hosts' namespaces take our bridges and VXLAN devices along
        }
    }

    static NodeNetworks networksOn(Host node) {
        return networksOn(node, LocalHostCommands.inNamespace(node.namespace()));
    }

    static NodeNetworks networksOn(Host node, HostCommands commands) {
        return new NodeNetworks(commands, node.address().getHostAddress());
    }

    static String underlay(Host node) {
        return node.address().getHostAddress();
    }

    static Attachment attachment(String namespace, int vni, String address) {
        return new Attachment(namespace, vni, "eth1", address, 20);
    }

    @Test
    void instancesOnDifferentNodesOfOneSegmentReachEachOther() throws IOException {
        Host h1 = network.addHost("h1");
        Host h2 = network.addHost("h2");
        NodeNetworks n1 = networksOn(h1);
        NodeNetworks n2 = networksOn(h2);
        String a1 = instances.create("a1");
        String a2 = instances.create("a2");

        n1.ensureSegment(TENANT_A, Set.of(underlay(h2)));
        n2.ensureSegment(TENANT_A, Set.of(underlay(h1)));
        n1.attach(attachment(a1, TENANT_A, "100.64.16.2"));
        n2.attach(attachment(a2, TENANT_A, "100.64.16.3"));

        assertThat(pings(a1, "100.64.16.3")).isTrue();
        assertThat(pings(a2, "100.64.16.2")).isTrue();
        String eth1 = in(a1, "ip", "-o", "link", "show", "dev", "eth1").stdout();
        assertThat(eth1).contains("mtu 1450").contains("link/ether 02:a7:64:40:10:02");
        // A frame of the full instance MTU, not fragmented, still fits the underlay with its VXLAN headers.
        assertThat(in(a1, "ping", "-c", "1", "-W", "2", "-M", "do", "-s", "1422", "100.64.16.3")
                        .succeeded())
                .isTrue();
    }

    @Test
    void anotherTenantsSegmentIsIsolatedEvenWithOverlappingAddresses() throws IOException {
        Host h1 = network.addHost("h1");
        Host h2 = network.addHost("h2");
        NodeNetworks n1 = networksOn(h1);
        NodeNetworks n2 = networksOn(h2);
        String a1 = instances.create("a1");
        String a2 = instances.create("a2");
        String b1 = instances.create("b1");
        String b2 = instances.create("b2");
        for (int vni : List.of(TENANT_A, TENANT_B)) {
            n1.ensureSegment(vni, Set.of(underlay(h2)));
            n2.ensureSegment(vni, Set.of(underlay(h1)));
        }

        n1.attach(attachment(a1, TENANT_A, "100.64.16.2"));
        n2.attach(attachment(a2, TENANT_A, "100.64.16.3"));
        n1.attach(attachment(b1, TENANT_B, "100.64.16.4"));
        n2.attach(attachment(b2, TENANT_B, "100.64.16.2")); // the same address as a1

        assertThat(pings(a1, "100.64.16.3")).as("tenant A across nodes").isTrue();
        assertThat(pings(b2, "100.64.16.4")).as("tenant B across nodes").isTrue();
        assertThat(pings(b2, "100.64.16.3")).as("B to A on the same node").isFalse();
        assertThat(pings(b1, "100.64.16.3")).as("B to A across nodes").isFalse();
        assertThat(pings(a2, "100.64.16.4")).as("A to B across nodes").isFalse();
    }

    @Test
    void ensuringASegmentTwiceChangesNothingAndItsFloodListFollowsItsNodes() throws IOException {
        Host h1 = network.addHost("h1");
        Host h2 = network.addHost("h2");
        Host h3 = network.addHost("h3");
        var recorder = RecordingHostCommands.forwardingTo(LocalHostCommands.inNamespace(h1.namespace()));
        NodeNetworks n1 = networksOn(h1, recorder);

        n1.ensureSegment(TENANT_A, Set.of(underlay(h2), underlay(h3)));
        recorder.forget();
        n1.ensureSegment(TENANT_A, Set.of(underlay(h2), underlay(h3)));

        assertThat(recorder.changes()).isEmpty();
        assertThat(floodList(h1, TENANT_A)).containsExactlyInAnyOrder(underlay(h2), underlay(h3));

        n1.ensureSegment(TENANT_A, Set.of(underlay(h2)));

        assertThat(recorder.changes())
                .containsExactly("bridge fdb del 00:00:00:00:00:00 dev atnx001001 dst " + underlay(h3));
        assertThat(floodList(h1, TENANT_A)).containsExactly(underlay(h2));
    }

    @Test
    void detachAndRemoveSegmentLeaveNoDeviceAndCanBeRepeated() throws IOException {
        Host h1 = network.addHost("h1");
        NodeNetworks n1 = networksOn(h1);
        String a1 = instances.create("a1");
        n1.ensureSegment(TENANT_A, Set.of());
        n1.attach(attachment(a1, TENANT_A, "100.64.16.2"));

        n1.detach(a1, TENANT_A);
        n1.detach(a1, TENANT_A);

        assertThat(plumbingDevices(h1.namespace())).containsExactlyInAnyOrder("atnb001001", "atnx001001");
        assertThat(in(a1, "ip", "link", "show", "dev", "eth1").succeeded()).isFalse();

        n1.removeSegment(TENANT_A);
        n1.removeSegment(TENANT_A);

        assertThat(plumbingDevices(h1.namespace())).isEmpty();
        assertThat(n1.segments()).isEmpty();
    }

    @Test
    void aRestartedAgentReclaimsWhatNobodyWantsAnyMore() throws IOException, InterruptedException {
        Host h1 = network.addHost("h1");
        NodeNetworks crashed = networksOn(h1);
        String a1 = instances.create("a1");
        String a2 = instances.create("a2");
        String b1 = instances.create("b1");
        crashed.ensureSegment(TENANT_A, Set.of());
        crashed.ensureSegment(TENANT_B, Set.of());
        crashed.attach(attachment(a1, TENANT_A, "100.64.16.2"));
        crashed.attach(attachment(a2, TENANT_A, "100.64.16.3"));
        crashed.attach(attachment(b1, TENANT_B, "100.64.16.2"));
        // An attach that crashed before moving its peer into the instance's namespace.
        in(h1.namespace(), "ip", "link", "add", "name", "atnv0000beef", "type", "veth", "peer", "name", "atnp0000beef");
        // a2's namespace lost its name while a process still held it: the veth lives on, its instance is gone.
        Process holder = new ProcessBuilder(List.of(
                        LocalHostCommands.locate("nsenter").orElseThrow().toString(),
                        "--net=/run/netns/" + a2,
                        "--",
                        "sleep",
                        "60"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            // nsenter has joined the namespace once it runs sleep; the name may go then.
            awaitCommand(holder, "sleep");
            instances.delete(a2);
            String a2Veth = DeviceNames.hostVeth(a2, TENANT_A);
            assertThat(plumbingDevices(h1.namespace())).contains(a2Veth, "atnv0000beef");

            NodeNetworks restarted = networksOn(h1);
            restarted.reclaim(Set.of(TENANT_A));

            assertThat(restarted.segments()).containsExactly(TENANT_A);
            assertThat(plumbingDevices(h1.namespace()))
                    .containsExactlyInAnyOrder("atnb001001", "atnx001001", DeviceNames.hostVeth(a1, TENANT_A));
            assertThat(in(b1, "ip", "link", "show", "dev", "eth1").succeeded()).isFalse();

            restarted.reclaim(Set.of());

            assertThat(plumbingDevices(h1.namespace())).isEmpty();
        } finally {
            holder.destroyForcibly();
            holder.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void reattachingAfterACrashRepairsTheHalfMadeAttachment() throws IOException {
        Host h1 = network.addHost("h1");
        Host h2 = network.addHost("h2");
        NodeNetworks crashed = networksOn(h1);
        String a1 = instances.create("a1");
        String a2 = instances.create("a2");
        crashed.ensureSegment(TENANT_A, Set.of(underlay(h2)));
        networksOn(h2).ensureSegment(TENANT_A, Set.of(underlay(h1)));
        networksOn(h2).attach(attachment(a2, TENANT_A, "100.64.16.3"));
        crashed.attach(attachment(a1, TENANT_A, "100.64.16.2"));
        // The agent died between renaming the instance's interface and giving it its address.
        in(a1, "ip", "addr", "flush", "dev", "eth1");
        in(a1, "ip", "link", "set", "dev", "eth1", "down");
        assertThat(pings(a1, "100.64.16.3")).isFalse();

        var recorder = RecordingHostCommands.forwardingTo(LocalHostCommands.inNamespace(h1.namespace()));
        NodeNetworks restarted = networksOn(h1, recorder);
        restarted.ensureSegment(TENANT_A, Set.of(underlay(h2)));
        restarted.attach(attachment(a1, TENANT_A, "100.64.16.2"));

        assertThat(pings(a1, "100.64.16.3")).isTrue();

        recorder.forget();
        restarted.attach(attachment(a1, TENANT_A, "100.64.16.2"));

        assertThat(recorder.changes()).isEmpty();
    }

    private static Set<String> floodList(Host node, int vni) throws IOException {
        return FloodEntries.parse(in(node.namespace(), "bridge", "fdb", "show", "dev", DeviceNames.vxlan(vni))
                .stdout());
    }

    /** Waits (5 s at most) until {@code process} has exec'd {@code command}. */
    private static void awaitCommand(Process process, String command) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            boolean execd =
                    process.info().command().map(c -> c.endsWith("/" + command)).orElse(false);
            if (execd) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(command + " did not start within 5 s");
    }
}
