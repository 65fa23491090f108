package dev.atoll.wire;

/**
 * A frame whose payload does not decode. A {@link FrameHandler} throws it to have the connection
 * closed: the peer is broken or hostile, and nothing it sends after that can be trusted.
 */
public final class MalformedFrameException extends RuntimeException {
    public MalformedFrameException(String reason) {
        super(reason);
    }

    public MalformedFrameException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
