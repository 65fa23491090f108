package dev.atoll.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.spec.FieldError;
import java.util.List;

/** Small scenarios and the one-liners the specifications share. */
final class ScenarioFixtures {
    private ScenarioFixtures() {}

    /** Three sites in two jurisdictions, users in two places, one kind of environment. */
    static final String SMALL = """
            name: small
            duration: 10m
            sites:
              - {name: london, lat: 51.5074, lon: -0.1278, country: GB, nodes: {count: 3}}
              - {name: paris, lat: 48.8566, lon: 2.3522, country: FR, nodes: {count: 3}}
              - {name: new-york, lat: 40.7128, lon: -74.006, country: US, nodes: {count: 3}}
            users:
              - {name: europe, lat: 50.0, lon: 2.0, users: 3000}
              - {name: america, lat: 40.0, lon: -75.0, users: 1000}
            workload:
              arrivals: {ratePerSecond: 2}
              mix:
                - weight: 1
                  spec:
                    apiVersion: atoll/v1
                    kind: Environment
                    metadata: {name: web}
                    spec:
                      services:
                        web: {command: [web], replicas: 2}
            """;

    static Scenario parsed(String yaml) {
        var result = ScenarioParser.parse(yaml);
        if (result instanceof ScenarioResult.Invalid invalid) {
            throw new AssertionError("expected the scenario to parse, got " + invalid.errors());
        }
        return ((ScenarioResult.Parsed) result).scenario();
    }

    static List<FieldError> errors(String yaml) {
        var result = ScenarioParser.parse(yaml);
        assertThat(result).isInstanceOf(ScenarioResult.Invalid.class);
        return ((ScenarioResult.Invalid) result).errors();
    }

    static List<String> errorTexts(String yaml) {
        return errors(yaml).stream().map(FieldError::toString).toList();
    }

    static Scenario shipped(String name) {
        return parsed(ShippedScenarios.text(name).orElseThrow());
    }
}
