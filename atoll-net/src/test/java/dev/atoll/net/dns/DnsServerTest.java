package dev.atoll.net.dns;

import static dev.atoll.net.dns.Replicas.healthy;
import static dev.atoll.net.dns.Replicas.ofTenant;
import static dev.atoll.net.dns.Replicas.unhealthy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The server on loopback, asked by dnsjava's resolver. 127.0.0.1 is an instance of tenant "acme";
 * 127.0.0.2 is an address the agent knows nothing about.
 */
class DnsServerTest {
    private static final InetAddress ACME_INSTANCE = InetAddress.getLoopbackAddress();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final AtomicReference<NameTable> table = new AtomicReference<>(NameTable.of(
            List.of(
                    healthy("web", 0, "tokyo", "100.64.0.10"),
                    healthy("web", 1, "paris", "100.64.0.11"),
                    healthy("web", 2, "london", "100.64.0.12"),
                    unhealthy("web", 3, "london", "100.64.0.13"),
                    ofTenant("globex", "web", 0, "100.64.0.20")),
            "london",
            site -> site.equals("paris") ? 5_000 : -1));
    private DnsServer server;

    @BeforeEach
    void start() throws IOException {
        server = DnsServer.start(
                new InetSocketAddress(ACME_INSTANCE, 0),
                client -> client.equals(ACME_INSTANCE) ? Optional.of("acme") : Optional.empty(),
                table::get);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aServiceResolvesToItsHealthyReplicasLocalSiteFirstThenNearest() throws IOException {
        Message response = ask("web.prod.acme.atoll.", Type.A);

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(addresses(response, Section.ANSWER)).containsExactly("100.64.0.12", "100.64.0.11", "100.64.0.10");
        assertThat(response.getSection(Section.ANSWER))
                .allSatisfy(r -> assertThat(r.getTTL()).isEqualTo(1));
    }

    @Test
    void anIndexNameResolvesToThatOneReplica() throws IOException {
        Message response = ask("3.web.prod.acme.atoll.", Type.A);

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(addresses(response, Section.ANSWER)).containsExactly("100.64.0.13");
    }

    @Test
    void srvNamesTheReplicasPortsWithTheirAddressesInTheAdditionalSection() throws IOException {
        Message response = ask("_http._tcp.web.prod.acme.atoll.", Type.SRV);

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        List<Record> answers = response.getSection(Section.ANSWER);
        assertThat(answers)
                .extracting(r -> ((SRVRecord) r).getTarget().toString())
                .containsExactly("2.web.prod.acme.atoll.", "1.web.prod.acme.atoll.", "0.web.prod.acme.atoll.");
        assertThat(answers).extracting(r -> ((SRVRecord) r).getPort()).containsExactly(8002, 8001, 8000);
        assertThat(addresses(response, Section.ADDITIONAL))
                .containsExactly("100.64.0.12", "100.64.0.11", "100.64.0.10");
    }

    @Test
    void anotherTenantsServiceDoesNotExist() throws IOException {
        Message response = ask("web.prod.globex.atoll.", Type.A);

        assertThat(response.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(response.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void anUnknownNameDoesNotExist() throws IOException {
        assertThat(ask("api.prod.acme.atoll.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void aNameOutsideAtollIsRefusedBecauseWeDoNotRecurse() throws IOException {
        Message response = ask("web.prod.acme.example.", Type.A);

        assertThat(response.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(response.getHeader().getFlag(Flags.AA)).isFalse();
    }

    @Test
    void aClientOfNoKnownTenantIsRefused() throws IOException {
        SimpleResolver stranger = resolver();
        stranger.setLocalAddress(InetAddress.getByName("127.0.0.2"));

        Message response = stranger.send(query("web.prod.acme.atoll.", Type.A));

        assertThat(response.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(response.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void namesAreCaseInsensitive() throws IOException {
        Message response = ask("WEB.Prod.ACME.Atoll.", Type.A);

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(addresses(response, Section.ANSWER)).containsExactly("100.64.0.12", "100.64.0.11", "100.64.0.10");
    }

    @Test
    void garbageIsDroppedOrAnsweredFormErrAndTheNextQueryIsAnswered() throws IOException {
        try (var socket = new DatagramSocket(new InetSocketAddress(ACME_INSTANCE, 0))) {
            socket.setSoTimeout(1_000);
            socket.connect(server.address());
            socket.send(packet(new byte[] {1, 2, 3}));
            // A response (QR set): never answered, or two servers could answer each other forever.
            socket.send(packet(new byte[] {0, 7, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
            // Id 0x1234, one question that is not there.
            socket.send(packet(new byte[] {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7, 'b', 'r', 'o'}));

            byte[] buffer = new byte[512];
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            socket.receive(reply);
            Message formErr = new Message(java.util.Arrays.copyOf(buffer, reply.getLength()));
            assertThat(formErr.getHeader().getID()).isEqualTo(0x1234);
            assertThat(formErr.getRcode()).isEqualTo(Rcode.FORMERR);
            assertThat(formErr.getHeader().getFlag(Flags.QR)).isTrue();
            reply.setLength(buffer.length);
            assertThatCode(() -> socket.receive(reply)).isInstanceOf(SocketTimeoutException.class);
        }

        assertThat(ask("web.prod.acme.atoll.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void anAnswerTooBigForUdpIsTruncatedAndComesWholeOverTcp() throws IOException {
        List<DnsEndpoint> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) many.add(healthy("big", i, "london", "100.64.1." + i));
        table.set(NameTable.of(many, "london", site -> 0));

        SimpleResolver udpOnly = resolver();
        udpOnly.setIgnoreTruncation(true);
        Message truncated = udpOnly.send(query("big.prod.acme.atoll.", Type.A));
        Message whole = resolver().send(query("big.prod.acme.atoll.", Type.A));

        assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(whole.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(addresses(whole, Section.ANSWER)).hasSize(100).startsWith("100.64.1.0", "100.64.1.1");
    }

    @Test
    void queriesOverTcpAreAnswered() throws IOException {
        SimpleResolver tcp = resolver();
        tcp.setTCP(true);

        Message response = tcp.send(query("0.web.prod.acme.atoll.", Type.A));

        assertThat(addresses(response, Section.ANSWER)).containsExactly("100.64.0.10");
    }

    @Test
    void answersFollowTheNewestTable() throws IOException {
        assertThat(ask("api.prod.acme.atoll.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);

        table.set(NameTable.of(List.of(healthy("api", 0, "london", "100.64.0.30")), "london", site -> 0));

        assertThat(addresses(ask("api.prod.acme.atoll.", Type.A), Section.ANSWER))
                .containsExactly("100.64.0.30");
    }

    @Test
    void closingFreesThePortForUdpAndTcp() throws IOException {
        int port = server.port();

        server.close();

        try (var udp = new DatagramSocket(new InetSocketAddress(ACME_INSTANCE, port));
                var tcp = new ServerSocket(port, 1, ACME_INSTANCE)) {
            assertThat(udp.getLocalPort()).isEqualTo(port);
            assertThat(tcp.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void twoServersCanRunSideBySide() throws IOException {
        try (DnsServer other =
                DnsServer.start(new InetSocketAddress(ACME_INSTANCE, 0), client -> Optional.of("globex"), table::get)) {
            SimpleResolver resolver = new SimpleResolver(other.address());
            resolver.setTimeout(TIMEOUT);

            Message response = resolver.send(query("web.prod.globex.atoll.", Type.A));

            assertThat(other.port()).isNotEqualTo(server.port());
            assertThat(addresses(response, Section.ANSWER)).containsExactly("100.64.0.20");
        }
    }

    private Message ask(String name, int type) throws IOException {
        return resolver().send(query(name, type));
    }

    private SimpleResolver resolver() {
        SimpleResolver resolver = new SimpleResolver(server.address());
        resolver.setTimeout(TIMEOUT);
        return resolver;
    }

    private static Message query(String name, int type) throws IOException {
        return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    }

    private static DatagramPacket packet(byte[] bytes) {
        return new DatagramPacket(bytes, bytes.length);
    }

    private static List<String> addresses(Message response, int section) {
        return response.getSection(section).stream()
                .filter(r -> r instanceof ARecord)
                .map(r -> ((ARecord) r).getAddress().getHostAddress())
                .toList();
    }
}
