package dev.atoll.control.rebalance;

import dev.atoll.model.view.MoveOutcome;
import dev.atoll.placement.rebalance.Move;
import java.util.concurrent.CompletableFuture;

/**
 * How a site's rebalancer asks the home of a replica to move it: the mover runs at the home
 * ({@code SiteController.requestMove(Move)}), which re-checks the destination and records the move.
 * In one process it is the home's controller; between processes, the home's share.
 */
@FunctionalInterface
public interface HomeMoves {
    CompletableFuture<MoveOutcome> requestMove(String homeSite, Move move);
}
