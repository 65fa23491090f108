package dev.atoll.control.raft;

/** The group could not serve a request in time: no leader was elected, or a majority is stopped. */
public final class RaftGroupUnavailableException extends RuntimeException {
    public RaftGroupUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
