package dev.atoll.placement.rebalance;

import java.util.List;

/**
 * Moves the background optimizer proposes, in an order in which each keeps every hard constraint
 * when applied after the ones before it, and the objective before and after all of them.
 *
 * @param pinned replicas elsewhere the plan counted for their services' rules and never moves
 *     ({@link CloudLayout#pinned}): the figures are of the layout's own instances judged beside them
 */
public record Plan(
        List<Move> moves, ObjectiveScore before, ObjectiveScore after, ObjectiveWeights weights, int pinned) {
    public Plan {
        moves = List.copyOf(moves);
        if (pinned < 0) throw new IllegalArgumentException("pinned must be 0 or more, got " + pinned);
    }

    /** A plan of a layout without pinned replicas. */
    public Plan(List<Move> moves, ObjectiveScore before, ObjectiveScore after, ObjectiveWeights weights) {
        this(moves, before, after, weights, 0);
    }

    public boolean isEmpty() {
        return moves.isEmpty();
    }
}
