package dev.atoll.model.view;

import dev.atoll.model.spec.FieldError;
import java.util.List;

/** What a placement preview of a spec came to. */
public sealed interface PreviewOutcome {
    record Previewed(PlacementPreview preview) implements PreviewOutcome {}

    /** The spec cannot be deployed as it is (e.g. it names an image no site holds). */
    record Rejected(List<FieldError> errors) implements PreviewOutcome {
        public Rejected {
            errors = List.copyOf(errors);
        }
    }

    /** This process cannot work placements out now (e.g. a controller that does not lead its site). */
    record Unavailable(String message) implements PreviewOutcome {}
}
