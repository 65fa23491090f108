package dev.atoll.model.view;

import dev.atoll.model.spec.FieldError;
import java.util.List;

/** What a deploy, update or scale did. User errors are values here, not exceptions. */
public sealed interface DeployOutcome {
    record Created(EnvironmentView environment) implements DeployOutcome {}

    record Updated(EnvironmentView environment, List<String> changedServices) implements DeployOutcome {}

    /** The spec equals the one already deployed: nothing was changed. */
    record Unchanged(EnvironmentView environment) implements DeployOutcome {}

    /** Create of a name that exists. */
    record Conflict(String message) implements DeployOutcome {}

    /** Update, scale or delete of an environment (or service) that does not exist. */
    record NotFound(String message) implements DeployOutcome {}

    /** Valid syntax but not acceptable (e.g. a driver no node offers); nothing was changed. */
    record Rejected(List<FieldError> errors) implements DeployOutcome {}

    /**
     * The change could not be made safe now (for example: committed at its home, but no other site
     * is reachable to keep a copy); trying again later may work. The API answers 503.
     */
    record Unavailable(String message) implements DeployOutcome {}
}
