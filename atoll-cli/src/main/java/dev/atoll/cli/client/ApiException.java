package dev.atoll.cli.client;

/**
 * Carries an {@link ApiFailure} from deep inside a command to the one place that prints it
 * ({@code FailureReporter}); it never reaches the user as a stack trace.
 */
public final class ApiException extends RuntimeException {
    private final transient ApiFailure failure;

    public ApiException(ApiFailure failure) {
        super(failure.toString(), null, false, false);
        this.failure = failure;
    }

    public ApiFailure failure() {
        return failure;
    }
}
