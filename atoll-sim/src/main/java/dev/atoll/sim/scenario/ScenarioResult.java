package dev.atoll.sim.scenario;

import dev.atoll.model.spec.FieldError;
import java.util.List;

/** The outcome of reading a scenario file: a scenario, or every error found (never an exception). */
public sealed interface ScenarioResult {
    record Parsed(Scenario scenario) implements ScenarioResult {}

    record Invalid(List<FieldError> errors) implements ScenarioResult {
        public Invalid {
            errors = List.copyOf(errors);
        }
    }
}
