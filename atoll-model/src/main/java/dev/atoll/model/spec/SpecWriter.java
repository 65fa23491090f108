package dev.atoll.model.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Writes an {@link EnvironmentSpec} in the user's format; {@link SpecParser} reads it back equal. */
public final class SpecWriter {
    private SpecWriter() {}

    public static ObjectNode toTree(EnvironmentSpec spec) {
        throw new UnsupportedOperationException("TODO");
    }

    public static String toYaml(EnvironmentSpec spec) {
        throw new UnsupportedOperationException("TODO");
    }

    public static String toJson(EnvironmentSpec spec) {
        throw new UnsupportedOperationException("TODO");
    }
}
