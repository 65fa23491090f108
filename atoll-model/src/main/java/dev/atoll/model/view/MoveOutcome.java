package dev.atoll.model.view;

import dev.atoll.model.spec.FieldError;
import java.util.List;

/** What asking to move an instance (or to drain a node) did. User errors are values here, not exceptions. */
public sealed interface MoveOutcome {
    /**
     * The move is recorded in its home's log and under way; it goes on asynchronously (events of the
     * environment tell how it ends: "move-completed" or "move-failed").
     *
     * @param from where the instance runs, as site/node
     * @param to where it goes, as site or site/node
     */
    record Started(String instance, String environment, String from, String to, String reason) implements MoveOutcome {}

    /** A node now draining (or taking replicas again), with how many replicas it still runs. */
    record Draining(String site, String node, boolean draining, int replicas) implements MoveOutcome {}

    /** No such instance (or node) for this caller. */
    record NotFound(String message) implements MoveOutcome {}

    /** A bad destination: the field and the reason; nothing changed. */
    record Rejected(List<FieldError> errors) implements MoveOutcome {
        public Rejected {
            errors = List.copyOf(errors);
        }
    }

    /** The instance is already moving, or its environment is being deleted. */
    record Conflict(String message) implements MoveOutcome {}

    /** The home could not be reached or could not commit now; trying again later may work. */
    record Unavailable(String message) implements MoveOutcome {}
}
