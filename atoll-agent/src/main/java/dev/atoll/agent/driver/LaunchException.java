package dev.atoll.agent.driver;

/** A workload cannot be started; the message says why in words a user can act on. */
public final class LaunchException extends Exception {
    public LaunchException(String message) {
        super(message);
    }

    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
