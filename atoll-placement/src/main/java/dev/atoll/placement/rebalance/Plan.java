package dev.atoll.placement.rebalance;

import java.util.List;

/**
 * Moves the background optimizer proposes, in an order in which each keeps every hard constraint
 * when applied after the ones before it, and the objective before and after all of them.
 */
public record Plan(List<Move> moves, ObjectiveScore before, ObjectiveScore after, ObjectiveWeights weights) {
    public Plan {
        moves = List.copyOf(moves);
    }

    public boolean isEmpty() {
        return moves.isEmpty();
    }
}
