package dev.atoll.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The first frame of a connection: the protocol version the sender speaks and who it is, so the
 * receiver can refuse a peer of another group or version before reading anything else.
 *
 * @param protocolVersion {@link WireFormat#PROTOCOL_VERSION} of the sender
 * @param groupId the Raft group (a site) the sender belongs to
 * @param memberId the sender's member id within that group
 */
public record Hello(int protocolVersion, String groupId, String memberId) {
    private static final int MAX_ID_CHARS = 255;

    public Hello {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(memberId, "memberId");
    }

    public static Hello of(String groupId, String memberId) {
        return new Hello(WireFormat.PROTOCOL_VERSION, groupId, memberId);
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(protocolVersion);
            out.writeUTF(groupId);
            out.writeUTF(memberId);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** @throws MalformedFrameException if the payload is not a HELLO this build can read */
    public static Hello decode(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int version = in.readUnsignedShort();
            String group = in.readUTF();
            String member = in.readUTF();
            if (in.available() != 0) {
                throw new MalformedFrameException("HELLO has " + in.available() + " trailing bytes");
            }
            if (group.isBlank()
                    || member.isBlank()
                    || group.length() > MAX_ID_CHARS
                    || member.length() > MAX_ID_CHARS) {
                throw new MalformedFrameException("HELLO names a blank or over-long group or member id");
            }
            return new Hello(version, group, member);
        } catch (IOException e) {
            throw new MalformedFrameException("HELLO does not decode: " + e, e);
        }
    }
}
