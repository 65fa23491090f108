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

        /** @param kind the refusal as counted (metrics); the reason is what a user reads */
        record Refused(String reason, dev.atoll.control.metrics.OfferOutcome kind) implements Reservation {
            public Refused {
                if (kind == null || kind.accepted()) kind = dev.atoll.control.metrics.OfferOutcome.OTHER;
            }

            public Refused(String reason) {
                this(reason, dev.atoll.control.metrics.OfferOutcome.OTHER);
            }
        }
    }

    public record NotFound(String what) {}

    /** Response of {@link SiteCommand.StartMove} that changed nothing, and why. */
    public record MoveRefused(String reason) {}
}
