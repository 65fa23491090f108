package dev.atoll.wire;

import java.util.Optional;

/**
 * What a frame carries. The code is the byte on the wire; a code this build does not know closes the
 * connection, so a new type needs a new protocol version or a peer that announces it in HELLO.
 */
public enum FrameType {
    /** First frame of every connection: who is sending (see {@link Hello}). */
    HELLO(1),
    /** One MicroRaft message between members of a site's Raft group. */
    RAFT(2),
    /** A follower hands a command to the leader: correlation id and command bytes. */
    FORWARD(3),
    /** The leader's answer to a {@link #FORWARD}, sent back on its own connection to the follower. */
    FORWARD_RESULT(4),
    /**
     * A call: correlation id, method name and body. Unlike the frames above it is answered on the
     * same connection, so callers (agents, other sites, tools) need not listen themselves.
     */
    REQUEST(5),
    /** The answer to a {@link #REQUEST}, written back on the connection the request came in on. */
    RESPONSE(6);

    private final byte code;

    FrameType(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    public static Optional<FrameType> ofCode(byte code) {
        for (FrameType type : values()) {
            if (type.code == code) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
