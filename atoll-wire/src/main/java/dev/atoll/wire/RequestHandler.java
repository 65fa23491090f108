package dev.atoll.wire;

import java.util.concurrent.CompletableFuture;

/**
 * Answers REQUEST frames. Runs on the connection's dispatch thread, so it should return a future at
 * once and do slow work elsewhere; requests of one connection are dispatched in order but may
 * complete in any order.
 */
@FunctionalInterface
public interface RequestHandler {
    /**
     * @param from the caller, as it introduced itself in its HELLO
     * @return the answer's body; a future failed with {@link CallFailedException} sends its message
     *     to the caller, any other failure is reported as an internal error without details
     * @throws MalformedFrameException if the body does not decode; the connection is closed
     */
    CompletableFuture<byte[]> handle(Hello from, String method, byte[] body);

    /**
     * The same, knowing the caller's certificate (empty on plain TCP or for a caller that joins
     * without one). The server has already checked that this caller may call {@code method}.
     */
    default CompletableFuture<byte[]> handle(
            Hello from, java.util.Optional<dev.atoll.wire.tls.PeerIdentity> certified, String method, byte[] body) {
        return handle(from, method, body);
    }
}
