package dev.atoll.wire;

import java.util.concurrent.CompletionException;

/** What failed, under the wrappers that futures put around a failure. */
public final class Failures {
    private Failures() {}

    /** The failure inside any {@link CompletionException} wrappers. */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The innermost cause, for a message that names what really went wrong. */
    public static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
