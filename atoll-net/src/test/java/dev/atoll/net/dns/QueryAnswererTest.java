package dev.atoll.net.dns;

import static dev.atoll.net.dns.Replicas.healthy;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** What a client may send, answered without a socket: nothing a client sends makes it throw. */
class QueryAnswererTest {
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
    private static final NameTable TABLE =
            NameTable.of(List.of(healthy("web", 0, "london", "100.64.0.10")), "london", site -> 0);
    private final QueryAnswerer answerer = new QueryAnswerer(client -> Optional.of("acme"), () -> TABLE);

    @Property(tries = 2_000)
    void randomBytesAreDroppedOrAnsweredWithTheirId(@ForAll @Size(max = 600) byte[] packet) throws IOException {
        byte[] response = answerer.answer(packet, packet.length, CLIENT, true);

        if (response != null) {
            Message parsed = new Message(response);
            assertThat(parsed.getHeader().getFlag(Flags.QR)).isTrue();
            assertThat(parsed.getHeader().getID()).isEqualTo(((packet[0] & 0xff) << 8) | (packet[1] & 0xff));
            assertThat(response.length).isLessThanOrEqualTo(QueryAnswerer.UDP_PAYLOAD_MAX);
        }
    }

    @Property(tries = 2_000)
    void aValidQueryWithBytesChangedNeverBreaksTheAnswerer(
            @ForAll("positions") List<Integer> positions, @ForAll("bytes") List<Byte> values) throws IOException {
        byte[] packet = query("_http._tcp.web.prod.acme.atoll.", Type.SRV).toWire();
        for (int i = 0; i < Math.min(positions.size(), values.size()); i++) {
            packet[positions.get(i) % packet.length] = values.get(i);
        }

        byte[] response = answerer.answer(packet, packet.length, CLIENT, true);

        if (response != null)
            assertThat(new Message(response).getHeader().getFlag(Flags.QR)).isTrue();
    }

    @Example
    void onlyTheGivenLengthOfTheBufferIsRead() throws IOException {
        byte[] wire = query("web.prod.acme.atoll.", Type.A).toWire();
        byte[] buffer = new byte[1024];
        System.arraycopy(wire, 0, buffer, 0, wire.length);
        buffer[wire.length] = 0x55;

        Message response = new Message(answerer.answer(buffer, wire.length, CLIENT, true));

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getSection(Section.ANSWER)).hasSize(1);
    }

    @Example
    void opcodesOtherThanQueryAreNotImplemented() throws IOException {
        Message notify = query("web.prod.acme.atoll.", Type.SOA);
        notify.getHeader().setOpcode(Opcode.NOTIFY);

        Message response = new Message(answerer.answer(notify.toWire(), notify.toWire().length, CLIENT, true));

        assertThat(response.getRcode()).isEqualTo(Rcode.NOTIMP);
    }

    @Example
    void aClientThatSpeaksEdnsGetsAnEdnsAnswer() throws IOException {
        Message query = query("web.prod.acme.atoll.", Type.A);
        query.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        byte[] wire = query.toWire();

        Message response = new Message(answerer.answer(wire, wire.length, CLIENT, true));

        assertThat(response.getOPT()).isNotNull();
        assertThat(response.getOPT().getPayloadSize()).isEqualTo(QueryAnswerer.UDP_PAYLOAD_MAX);
        assertThat(response.getSection(Section.ANSWER)).hasSize(1);
    }

    @Example
    void aQuestionOfAnotherClassIsRefused() throws IOException {
        Message chaos = Message.newQuery(Record.newRecord(Name.fromString("version.bind."), Type.TXT, DClass.CH));
        byte[] wire = chaos.toWire();

        assertThat(new Message(answerer.answer(wire, wire.length, CLIENT, true)).getRcode())
                .isEqualTo(Rcode.REFUSED);
    }

    @Provide
    Arbitrary<List<Integer>> positions() {
        return Arbitraries.integers().between(0, 1_000).list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Byte>> bytes() {
        return Arbitraries.bytes().list().ofMinSize(1).ofMaxSize(4);
    }

    private static Message query(String name, int type) throws IOException {
        return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    }
}
