package dev.atoll.api.problem;

/**
 * Ends a request with a problem response. Used only inside the API's handlers, where a user error
 * found deep in request parsing has to stop the handler; the server turns it into a response, so
 * it never reaches the user as an exception.
 */
public final class ProblemException extends RuntimeException {
    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
