package dev.atoll.model.topology;

import dev.atoll.model.spec.FieldError;
import java.util.List;

/** Reads a topology file (YAML list of sites with their nodes) for `atoll dev --topology FILE`. */
public final class TopologyParser {
    private TopologyParser() {}

    public sealed interface Result {
        record Valid(Topology topology) implements Result {}

        record Invalid(List<FieldError> errors) implements Result {}
    }

    public static Result parse(String yaml) {
        throw new UnsupportedOperationException("TODO");
    }
}
