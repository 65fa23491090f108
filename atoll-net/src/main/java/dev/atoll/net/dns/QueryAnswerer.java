package dev.atoll.net.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Turns the bytes of one query into the bytes of its response, whatever the transport. Never
 * throws on what a client sends: bytes that are not a query are dropped (null) or answered FORMERR.
 */
final class QueryAnswerer {
    /** What a UDP response may hold when the client did not say (RFC 1035). */
    static final int UDP_PAYLOAD_PLAIN = 512;
    /** The most we send over UDP even when a client offers more: no IP fragmentation (DNS flag day 2020). */
    static final int UDP_PAYLOAD_MAX = 1232;
    /** A DNS message over TCP carries a 16-bit length. */
    static final int TCP_PAYLOAD_MAX = 65_535;

    private final Function<InetAddress, Optional<String>> tenantOfClient;
    private final Supplier<NameTable> table;

    QueryAnswerer(Function<InetAddress, Optional<String>> tenantOfClient, Supplier<NameTable> table) {
        this.tenantOfClient = tenantOfClient;
        this.table = table;
    }

    /** The response to send, or null to send nothing. */
    byte[] answer(byte[] packet, int length, InetAddress client, boolean overUdp) {
        if (length < Header.LENGTH) return null;
        // A response (QR set) is never answered: two servers answering each other would loop.
        if ((packet[2] & 0x80) != 0) return null;
        Message query;
        try {
            query = new Message(Arrays.copyOf(packet, length));
        } catch (IOException | RuntimeException e) {
            return formatError(packet);
        }
        int limit = overUdp ? udpLimit(query.getOPT()) : TCP_PAYLOAD_MAX;
        Header header = query.getHeader();
        Record question = query.getQuestion();
        if (header.getOpcode() != Opcode.QUERY)
            return response(query, Rcode.NOTIMP, false).toWire(limit);
        if (question == null || header.getCount(Section.QUESTION) != 1) {
            return response(query, Rcode.FORMERR, false).toWire(limit);
        }
        if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
            return response(query, Rcode.REFUSED, false).toWire(limit);
        }
        Optional<String> tenant = tenantOfClient.apply(client);
        if (tenant.isEmpty()) return response(query, Rcode.REFUSED, false).toWire(limit);

        Answer answer = table.get().lookup(tenant.get(), question.getName(), question.getType());
        Message response =
                switch (answer) {
                    case Answer.Found found -> {
                        Message m = response(query, Rcode.NOERROR, true);
                        found.answers().forEach(r -> m.addRecord(r, Section.ANSWER));
                        found.additional().forEach(r -> m.addRecord(r, Section.ADDITIONAL));
                        yield m;
                    }
                    case Answer.NoData noData -> response(query, Rcode.NOERROR, true);
                    case Answer.NoSuchName noSuchName -> response(query, Rcode.NXDOMAIN, true);
                    case Answer.Refused refused -> response(query, Rcode.REFUSED, false);
                };
        // Too big for UDP: dnsjava drops whole RRsets and sets TC, and the client asks again over TCP.
        return response.toWire(limit);
    }

    private static int udpLimit(OPTRecord opt) {
        if (opt == null) return UDP_PAYLOAD_PLAIN;
        return Math.max(UDP_PAYLOAD_PLAIN, Math.min(UDP_PAYLOAD_MAX, opt.getPayloadSize()));
    }

    private static Message response(Message query, int rcode, boolean authoritative) {
        Header asked = query.getHeader();
        Message response = new Message(asked.getID());
        Header header = response.getHeader();
        header.setFlag(Flags.QR);
        if (asked.getFlag(Flags.RD)) header.setFlag(Flags.RD);
        if (authoritative) header.setFlag(Flags.AA);
        header.setOpcode(asked.getOpcode());
        header.setRcode(rcode);
        Record question = query.getQuestion();
        if (question != null && asked.getCount(Section.QUESTION) == 1) response.addRecord(question, Section.QUESTION);
        if (query.getOPT() != null) {
            response.addRecord(new OPTRecord(UDP_PAYLOAD_MAX, 0, 0), Section.ADDITIONAL);
        }
        return response;
    }

    /** A query we cannot read: FORMERR with its id and opcode, which the header still gives. */
    private static byte[] formatError(byte[] packet) {
        Message response = new Message(((packet[0] & 0xff) << 8) | (packet[1] & 0xff));
        Header header = response.getHeader();
        header.setFlag(Flags.QR);
        header.setOpcode((packet[2] >>> 3) & 0x0f);
        header.setRcode(Rcode.FORMERR);
        return response.toWire(UDP_PAYLOAD_PLAIN);
    }
}
