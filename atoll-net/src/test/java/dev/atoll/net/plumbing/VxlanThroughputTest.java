package dev.atoll.net.plumbing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.testhosts.Host;
import dev.atoll.testhosts.RequiresHosts;
import dev.atoll.testhosts.TestNetwork;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A benchmark: TCP throughput between two instances over a VXLAN segment, then between their two nodes over the
 * underlay directly. Prints both and their ratio (the cost of the overlay); asserts only that both were measured.
 */
@RequiresHosts
class VxlanThroughputTest {
    static final int VNI = 0x2001;
    static final Duration RUN = Duration.ofSeconds(3);

    @Test
    void throughputOverASegmentComparedWithTheUnderlay() throws IOException {
        Assumptions.assumeTrue(
                SegmentThroughput.available(), "skipped: iperf3 is not installed (Debian package iperf3)");
        try (TestNetwork network = TestNetwork.create("VxlanThroughputTest");
                InstanceNamespaces instances = new InstanceNamespaces()) {
            Host h1 = network.addHost("h1");
            Host h2 = network.addHost("h2");
            NodeNetworks n1 = new NodeNetworks(
                    LocalHostCommands.inNamespace(h1.namespace()), h1.address().getHostAddress());
            NodeNetworks n2 = new NodeNetworks(
                    LocalHostCommands.inNamespace(h2.namespace()), h2.address().getHostAddress());
            String client = instances.create("c");
            String server = instances.create("s");
            n1.ensureSegment(VNI, Set.of(h2.address().getHostAddress()));
            n2.ensureSegment(VNI, Set.of(h1.address().getHostAddress()));
            n1.attach(new Attachment(client, VNI, "eth1", "100.64.32.2", 20));
            n2.attach(new Attachment(server, VNI, "eth1", "100.64.32.3", 20));

            SegmentThroughput.Result overlay = SegmentThroughput.measure(server, client, "100.64.32.3", RUN);
            SegmentThroughput.Result underlay = SegmentThroughput.measure(
                    h2.namespace(), h1.namespace(), h2.address().getHostAddress(), RUN);

            System.out.printf(
                    Locale.ROOT,
                    "VXLAN segment: %.2f Gbit/s, underlay: %.2f Gbit/s, segment/underlay: %.2f%n",
                    overlay.gigabitsPerSecond(),
                    underlay.gigabitsPerSecond(),
                    overlay.bitsPerSecond() / underlay.bitsPerSecond());
            assertThat(overlay.bitsPerSecond()).isPositive();
            assertThat(underlay.bitsPerSecond()).isPositive();
        }
    }
}
