package dev.atoll.model.spec;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads an environment spec (YAML or JSON, apiVersion atoll/v1, kind Environment) into an
 * {@link EnvironmentSpec}, or every error found with its field path. Never throws for bad input.
 */
public final class SpecParser {
    private SpecParser() {}

    /** YAML is a superset of JSON, so this reads both. */
    public static SpecResult parse(String text) {
        throw new UnsupportedOperationException("TODO");
    }

    public static SpecResult parse(JsonNode tree) {
        throw new UnsupportedOperationException("TODO");
    }
}
