package dev.atoll.control.cloud;

import dev.atoll.model.view.PlanView;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A site's kept rebalancing plan, as its share answers for it (the background optimizer at the
 * site, see {@code rebalance.SitePlanner}). {@link #NONE} where no optimizer runs.
 */
public interface SitePlans {
    /**
     * The plan kept now (worked out first when none is kept for that scope yet); empty where no
     * optimizer runs.
     *
     * @param nearestSites 0: the site's own placement; N: a region, the site and its N nearest
     *     sites by RTT, where the site's replicas may move to the others' nodes
     */
    CompletableFuture<Optional<PlanView>> plan(int nearestSites);

    /** Starts applying the kept plan gradually; the plan as it stands then, empty without one. */
    CompletableFuture<Optional<PlanView>> apply();

    SitePlans NONE = new SitePlans() {
        @Override
        public CompletableFuture<Optional<PlanView>> plan(int nearestSites) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletableFuture<Optional<PlanView>> apply() {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    };
}
