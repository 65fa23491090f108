package dev.atoll.model.spec;

import java.util.List;

/** The outcome of reading a spec: a valid environment, or every error found (never an exception). */
public sealed interface SpecResult {
    record Valid(EnvironmentSpec spec) implements SpecResult {}

    record Invalid(List<FieldError> errors) implements SpecResult {
        public Invalid {
            errors = List.copyOf(errors);
        }
    }
}
