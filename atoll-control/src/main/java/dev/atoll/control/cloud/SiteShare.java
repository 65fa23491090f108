package dev.atoll.control.cloud;

import dev.atoll.control.auth.AuthRecords;
import dev.atoll.model.auth.AuditEntry;
import dev.atoll.model.spec.EnvironmentSpec;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What one site answers about itself and does as a home; in-process ({@link LocalSiteShare}) or
 * over the network. A site only knows its own state: its nodes, the replicas it runs, and the
 * environments it homes with what it observes of their replicas on other sites. The cloud a user
 * sees ({@link FederatedCloud}) is the merge of every reachable site's share.
 *
 * <p>Calls never block; a failed or unanswered future means the site cannot be reached now.
 */
public interface SiteShare {
    String site();

    /** This site's SiteView, its NodeViews, and every environment it homes (all tenants) with its InstanceViews. */
    CompletableFuture<SitePart> part();

    /** Commit a create-or-update of the spec at this site as home. */
    CompletableFuture<PutResult> put(EnvironmentSpec spec);

    /**
     * Move replica {@code id}, homed here, to {@code toSite} (and {@code toNode}, or any node when
     * null): checked, then recorded in this site's log and carried out asynchronously.
     */
    default CompletableFuture<dev.atoll.model.view.MoveOutcome> move(
            dev.atoll.model.instance.InstanceId id, String toSite, String toNode, String reason) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("site " + site() + " cannot move instances"));
    }

    /**
     * The rebalancing plan this site keeps (all tenants), for its own placement or, with {@code
     * nearestSites} above 0, over its region; empty without one.
     */
    default CompletableFuture<java.util.Optional<dev.atoll.model.view.PlanView>> plan(int nearestSites) {
        return CompletableFuture.completedFuture(java.util.Optional.empty());
    }

    /** Starts applying this site's plan gradually; the plan then, empty without one. */
    default CompletableFuture<java.util.Optional<dev.atoll.model.view.PlanView>> applyPlan() {
        return CompletableFuture.completedFuture(java.util.Optional.empty());
    }

    /** Drain one of this site's nodes (or take it back when {@code draining} is false). */
    default CompletableFuture<dev.atoll.model.view.MoveOutcome> drain(String node, boolean draining) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("site " + site() + " cannot drain nodes"));
    }

    /** Commit the deletion of an environment homed here. */
    CompletableFuture<Void> delete(String tenant, String environment);

    /**
     * Where this site, as a home, would place the replicas of {@code spec} now ({@code running}:
     * the environment's replicas now), with nothing reserved. Only a site in this process can.
     */
    default CompletableFuture<dev.atoll.model.view.PlacementPreview> previewPlacement(
            EnvironmentSpec spec, boolean exists, java.util.List<dev.atoll.model.instance.InstanceView> running) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("site " + site() + " is not in this process"));
    }

    /** The round trips from this site to the others it knows, measured where it has measured them. */
    default CompletableFuture<java.util.List<dev.atoll.model.view.SiteLink>> links() {
        return CompletableFuture.completedFuture(java.util.List.of());
    }

    /** Up to maxBytes of the instance's log from offset; empty when this site runs no such instance. */
    CompletableFuture<Optional<byte[]>> readLog(String tenant, String instanceId, long offset, int maxBytes);

    /** The cloud's tenants and tokens as this site knows them. */
    CompletableFuture<AuthRecords> auth();

    /** Commits what this site lacks of {@code records} in its log; answers what was new here. */
    /**
     * Keeps a one-time join token in this site's log; completes with false when the site holds too
     * many. Only a site's own share does it (a token is made at the site it works at).
     */
    default CompletableFuture<Boolean> issueJoinToken(dev.atoll.control.join.JoinToken token) {
        return CompletableFuture.failedFuture(
                new IllegalStateException("join tokens are made at the site they are for (" + site() + ")"));
    }

    CompletableFuture<AuthRecords> mergeAuth(AuthRecords records);

    /** Commits an entry of the audit log of this site's API. */
    CompletableFuture<Void> recordAudit(AuditEntry entry);

    /** The newest {@code max} audit entries of this site's API, oldest first; of one tenant, or all when null. */
    CompletableFuture<List<AuditEntry>> audit(String tenant, int max);
}
