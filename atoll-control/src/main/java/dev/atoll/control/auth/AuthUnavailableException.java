package dev.atoll.control.auth;

/**
 * No site could say which tokens exist just now (the site answering and every other one did not
 * answer: a leader election, a partition). The API answers 503: try again, rather than 401.
 */
public final class AuthUnavailableException extends RuntimeException {
    public AuthUnavailableException(String message) {
        super(message);
    }
}
