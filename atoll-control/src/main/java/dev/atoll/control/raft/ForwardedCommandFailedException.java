package dev.atoll.control.raft;

/**
 * A command forwarded to the leader in another process was committed, but applying it failed there
 * (the state machine threw) or its result could not be carried back; the message is the leader's.
 */
public final class ForwardedCommandFailedException extends RuntimeException {
    public ForwardedCommandFailedException(String message) {
        super(message);
    }
}
