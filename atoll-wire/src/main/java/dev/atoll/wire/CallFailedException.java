package dev.atoll.wire;

/**
 * A call that reached its peer and was answered with a failure, or never got an answer. The message
 * is meant for the caller: it names the peer and the reason.
 */
public final class CallFailedException extends RuntimeException {
    /** Why a call failed. */
    public enum Reason {
        /** The peer answered the call with a failure; the message is the peer's. */
        REFUSED,
        /** The peer does not serve this method. */
        UNKNOWN_METHOD,
        /** No connection to the peer, or it was lost before the answer came. */
        UNREACHABLE,
        /** No answer within the call's timeout. */
        TIMED_OUT,
        /** Too many calls to this peer are waiting for their answer. */
        OVERLOADED
    }

    private final Reason reason;

    public CallFailedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Whether the call certainly did not run at the peer, so sending it again cannot run it twice. */
    public boolean certainlyNotRun() {
        return reason == Reason.UNKNOWN_METHOD || reason == Reason.OVERLOADED;
    }
}
