package dev.atoll.control.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.api.Test;

class GossipBenchmarkTest {

    @Test
    void threeSitesOverTheInJvmTransportYieldAJoinAndACrashFigure() {
        var result = GossipBenchmark.run(
                3, 1, GossipBenchmark.Network.IN_JVM, GossipTimings.LAN, Clock.systemUTC(), line -> {});

        assertThat(result.knownByAll()).singleElement().satisfies(join -> assertThat(join)
                .hasValueSatisfying(d -> assertThat(d).isPositive()));
        assertThat(result.deadForAll()).hasValueSatisfying(d -> assertThat(d).isPositive());
        assertThat(result.describe())
                .contains("3 sites in one JVM over in-JVM transport")
                .contains("a new site is known by all 2 others")
                .contains("declared dead by all others after");
    }

    @Test
    void aFullMeshOfTcpConnectionsCostsFourDescriptorsPerPairOfSites() {
        assertThat(GossipBenchmark.tcpDescriptors(100) - GossipBenchmark.tcpDescriptors(2))
                .isEqualTo(4L * (100 * 99 / 2 - 1));
        int largest = GossipBenchmark.largestTcpCloud();
        assertThat(GossipBenchmark.networkFor(largest)).isEqualTo(GossipBenchmark.Network.TCP_LOOPBACK);
        if (largest < Integer.MAX_VALUE) {
            assertThat(GossipBenchmark.networkFor(largest + 1)).isEqualTo(GossipBenchmark.Network.IN_JVM);
        }
    }
}
