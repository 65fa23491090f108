package dev.atoll.wire;

import java.nio.ByteBuffer;

/** The frame header, shared by {@link WireServer} and {@link WireClient}; see PROTOCOL.md. */
public final class WireFormat {
    /** "ATL" and the protocol version; a peer with another version is refused at the first byte. */
    public static final int MAGIC = 0x41544C02;

    public static final int PROTOCOL_VERSION = MAGIC & 0xFF;
    /** Magic (4), type (1), payload length (4). */
    public static final int HEADER_BYTES = 9;
    /** The largest payload any peer may send; a larger length closes the connection. */
    public static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

    private WireFormat() {}

    /** The whole frame, header and payload, ready to write. */
    public static byte[] encode(FrameType type, byte[] payload) {
        if (payload.length > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException(
                    "a " + type + " frame of " + payload.length + " bytes exceeds the limit of " + MAX_FRAME_BYTES);
        }
        return ByteBuffer.allocate(HEADER_BYTES + payload.length)
                .putInt(MAGIC)
                .put(type.code())
                .putInt(payload.length)
                .put(payload)
                .array();
    }
}
