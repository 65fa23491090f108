package dev.atoll.placement;

import java.util.List;

/** What the {@link Placer} did with a request for N replicas. */
public sealed interface PlacementResult {
    /** Where each new replica went, in placement order. */
    List<Assignment> assignments();

    record Placed(List<Assignment> assignments) implements PlacementResult {
        public Placed {
            assignments = List.copyOf(assignments);
        }
    }

    /**
     * The replicas before the first one that fit nowhere were placed (and stay allocated); {@code
     * why} explains the first that did not.
     */
    record Unplaceable(List<Assignment> assignments, Explanation why) implements PlacementResult {
        public Unplaceable {
            assignments = List.copyOf(assignments);
        }
    }
}
