package dev.atoll.net.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DnsLoadTest {

    @Test
    void aShortRunAgainstALocalServerIsAnsweredThroughout() throws IOException {
        NameTable table = DnsLoad.benchTable(100);
        try (DnsServer server = DnsServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                client -> Optional.of(DnsLoad.BENCH_TENANT),
                () -> table)) {

            DnsLoad.Result result = DnsLoad.run(server.address(), DnsLoad.benchName(3), 2, Duration.ofSeconds(1));

            System.out.println("DNS load, 2 clients, 1 s: " + result);
            assertThat(result.queries()).isPositive();
            assertThat(result.failures()).isZero();
        }
    }

    @Test
    void aNameWithNoAnswerCountsAsFailures() throws IOException {
        try (DnsServer server = DnsServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                client -> Optional.of(DnsLoad.BENCH_TENANT),
                NameTable::empty)) {

            DnsLoad.Result result = DnsLoad.run(server.address(), DnsLoad.benchName(0), 1, Duration.ofMillis(200));

            assertThat(result.queries()).isPositive();
            assertThat(result.failures()).isEqualTo(result.queries());
        }
    }
}
