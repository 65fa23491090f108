package dev.atoll.cli.client;

import dev.atoll.model.spec.FieldError;
import java.net.URI;
import java.util.List;

/** Why a call to the Atoll API did not give the answer asked for; the CLI prints it and exits. */
public sealed interface ApiFailure {

    /** The API answered with an application/problem+json body (or another error status). */
    record Problem(int status, String title, String detail, List<FieldError> errors) implements ApiFailure {
        public Problem {
            errors = List.copyOf(errors);
        }
    }

    /** Nothing listens at the server address, or it could not be resolved or reached in time. */
    record Unreachable(URI server) implements ApiFailure {}

    /** The connection broke or the answer was not what the contract promises. */
    record Broken(String message) implements ApiFailure {}
}
