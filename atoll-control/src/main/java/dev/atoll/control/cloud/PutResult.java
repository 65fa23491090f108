package dev.atoll.control.cloud;

import java.util.List;

/** What a home's log did with a create-or-update, and the services whose instance template it changed. */
public record PutResult(Outcome outcome, List<String> changedServices) {
    public PutResult {
        changedServices = List.copyOf(changedServices);
    }

    public enum Outcome {
        CREATED,
        UPDATED,
        UNCHANGED
    }
}
