package dev.atoll.wire;

/**
 * Takes the payload of one frame of a given type. Runs on the connection's dispatch thread, one frame
 * at a time per connection, so a slow handler slows only the peer that sent the frames. It should
 * hand work off rather than block for long; while it blocks, the server stops reading that socket.
 */
@FunctionalInterface
public interface FrameHandler {
    /**
     * @param from the peer, as it introduced itself in its HELLO
     * @throws MalformedFrameException if the payload does not decode; the connection is closed
     */
    void handle(Hello from, byte[] payload);
}
