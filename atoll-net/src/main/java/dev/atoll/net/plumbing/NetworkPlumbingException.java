package dev.atoll.net.plumbing;

/**
 * The node's network could not be put into the wanted shape: a command failed or could not run. The message names
 * the device and what the command printed on stderr. Unchecked, because it means a broken machine (a missing kernel
 * module, a vanished namespace), not something a user can cause.
 */
public final class NetworkPlumbingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NetworkPlumbingException(String message) {
        super(message);
    }

    public NetworkPlumbingException(String message, Throwable cause) {
        super(message, cause);
    }
}
