package dev.atoll.wire.tls;

import dev.atoll.wire.MalformedFrameException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The wire calls with which a process gets its certificate from a site (see PROTOCOL.md). Bodies
 * are UTF strings in order (PEM text is ASCII and far below the 64 KiB of one).
 */
public final class JoinCalls {
    /** A site controller joins the cloud: token, its site name, CSR → certificate, CA certificate and key. */
    public static final String JOIN_SITE = "join.site";
    /** A node agent joins its site: token, its node name, CSR → certificate and CA certificate. */
    public static final String JOIN_AGENT = "join.agent";
    /** A process renews its certificate over its authenticated connection: CSR → certificate. */
    public static final String RENEW = "join.renew";

    private JoinCalls() {}

    /** @param csr PEM of a PKCS#10 request */
    public record JoinRequest(String token, String name, String csr) {}

    /** @param caKey PEM of the CA's key, for a site (which signs its agents' CSRs); empty for an agent */
    public record JoinAnswer(String certificate, String ca, String caKey) {}

    public static byte[] write(String... fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (String f : fields) out.writeUTF(f == null ? "" : f);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** @throws MalformedFrameException when the body does not hold {@code count} strings */
    public static String[] read(byte[] body, int count) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            String[] fields = new String[count];
            for (int i = 0; i < count; i++) fields[i] = in.readUTF();
            return fields;
        } catch (IOException e) {
            throw new MalformedFrameException("a join call's body does not decode: " + e, e);
        }
    }

    public static byte[] write(JoinRequest r) {
        return write(r.token(), r.name(), r.csr());
    }

    public static JoinRequest readRequest(byte[] body) {
        String[] f = read(body, 3);
        return new JoinRequest(f[0], f[1], f[2]);
    }

    public static byte[] write(JoinAnswer a) {
        return write(a.certificate(), a.ca(), a.caKey());
    }

    public static JoinAnswer readAnswer(byte[] body) {
        String[] f = read(body, 3);
        return new JoinAnswer(f[0], f[1], f[2]);
    }
}
