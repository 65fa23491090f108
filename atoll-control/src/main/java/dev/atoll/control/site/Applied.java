package dev.atoll.control.site;

import java.util.List;

/** The result of applying one command: the caller's response and the events it caused. */
public record Applied(Object response, List<SiteEvent> events) {
    public Applied {
        events = List.copyOf(events);
    }

    /** Response of {@link SiteCommand.PutEnvironment}. */
    public record EnvironmentChanged(Outcome outcome, java.util.List<String> changedServices, long version) {
        public enum Outcome {
            CREATED,
            UPDATED,
            UNCHANGED
        }
    }

    /** Response of {@link SiteCommand.ReserveInstance}. */
    public sealed interface Reservation {
        record Reserved(String node) implements Reservation {}

        record Refused(String reason) implements Reservation {}
    }

    public record NotFound(String what) {}
}
