package dev.atoll.control.cloud;

import dev.atoll.control.auth.AuthRecords;
import dev.atoll.control.auth.TokenRecord;
import dev.atoll.model.auth.AuditEntry;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.view.CloudEvent;
import dev.atoll.model.view.DeployOutcome;
import dev.atoll.model.view.EnvironmentView;
import dev.atoll.model.view.ImageView;
import dev.atoll.model.view.ImportOutcome;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.PreviewOutcome;
import dev.atoll.model.view.SiteLink;
import dev.atoll.model.view.SiteView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything a user can ask of the cloud, answered by whichever site they talk to. The REST API and
 * `atoll dev` are thin shells around this interface.
 */
public interface CloudApi {
    List<SiteView> sites();

    List<NodeView> nodes();

    List<EnvironmentView> environments(String tenant);

    Optional<EnvironmentView> environment(String tenant, String name);

    /** Create only: an existing name is a {@link DeployOutcome.Conflict}. */
    DeployOutcome create(EnvironmentSpec spec);

    /** Update only: an unknown name is {@link DeployOutcome.NotFound}; an equal spec is Unchanged. */
    DeployOutcome update(EnvironmentSpec spec);

    /** Create or update, whichever is right. */
    default DeployOutcome apply(EnvironmentSpec spec) {
        return environment(spec.tenant(), spec.name()).isPresent() ? update(spec) : create(spec);
    }

    DeployOutcome scale(String tenant, String environment, String service, int replicas);

    /**
     * Where the replicas of {@code spec} would go if it were deployed now, or why some would not
     * fit; changes nothing. Unavailable where this process cannot work it out.
     */
    default PreviewOutcome preview(EnvironmentSpec spec) {
        return new PreviewOutcome.Unavailable("this server cannot preview placements");
    }

    /**
     * Replaces the service's replicas one at a time, each after the one before is healthy, by the
     * rolling update a changed template starts: the service's environment gets {@code
     * ATOLL_RESTARTED_AT=at} (as `kubectl rollout restart` stamps an annotation), so the restart is
     * in the spec, survives a failover of the home and shows in `atoll describe`.
     */
    default DeployOutcome restart(String tenant, String environment, String service, Instant at) {
        var current = environment(tenant, environment);
        if (current.isEmpty()) return new DeployOutcome.NotFound("environment " + environment + " does not exist");
        EnvironmentSpec spec = current.get().spec();
        ServiceSpec target = spec.services().get(service);
        if (target == null) {
            return new DeployOutcome.NotFound("environment " + environment + " has no service " + service
                    + " (services: " + String.join(", ", spec.services().keySet()) + ")");
        }
        return update(spec.withService(target.withEnv(RESTARTED_AT, at.toString())));
    }

    /** The environment variable a rolling restart stamps; see {@link #restart}. */
    String RESTARTED_AT = "ATOLL_RESTARTED_AT";

    /** The round trip between sites, as each site this process reaches tells it. */
    default List<SiteLink> links() {
        return List.of();
    }

    /**
     * Moves one instance of the tenant's environment to {@code to}, "SITE" or "SITE/NODE" (make before
     * break; a micro-VM's memory follows it where its node can): checked at the environment's home,
     * which records the move in its log and carries it out asynchronously. The environment's events
     * tell how it goes (move-started, move-placed, move-switched, move-completed or move-failed).
     *
     * @param instance "SERVICE.INDEX" or "ENVIRONMENT.SERVICE.INDEX"
     */
    default dev.atoll.model.view.MoveOutcome move(String tenant, String environment, String instance, String to) {
        return new dev.atoll.model.view.MoveOutcome.Unavailable("this server cannot move instances");
    }

    /**
     * Drains node {@code node} of {@code site} (no new replicas there; the homes of its replicas
     * move them elsewhere, constraints held), or takes it back when {@code draining} is false. The
     * node's state in {@link #nodes()} is "draining" meanwhile, with its instances counting down.
     */
    default dev.atoll.model.view.MoveOutcome drain(String site, String node, boolean draining) {
        return new dev.atoll.model.view.MoveOutcome.Unavailable("this server cannot drain nodes");
    }

    /**
     * The rebalancing plan each reachable site keeps for its own placement (worked out when none is
     * kept), for {@code tenant}: only the moves of its own instances, without the site's report,
     * unless {@code cloudAdmin}. Sites without an optimizer are left out.
     *
     * @param site only this site's plan when not null
     * @param nearestSites 0: each site's plan for its own placement; N: each over its region, the
     *     site and its N nearest sites (the site's replicas may move to their nodes)
     */
    default List<dev.atoll.model.view.PlanView> plans(
            String tenant, boolean cloudAdmin, String site, int nearestSites) {
        return List.of();
    }

    /** Each site's plan for its own placement. */
    default List<dev.atoll.model.view.PlanView> plans(String tenant, boolean cloudAdmin, String site) {
        return plans(tenant, cloudAdmin, site, 0);
    }

    /**
     * Starts applying {@code site}'s plan gradually (under the site's move rate limit, each move
     * through the mover, which checks it again). Empty when the site does not answer or keeps no plan.
     */
    default Optional<dev.atoll.model.view.PlanView> applyPlan(String site) {
        return Optional.empty();
    }

    /** Deletes the environment and stops its instances. NotFound when unknown. */
    DeployOutcome delete(String tenant, String environment);

    /** Filters are optional: null or empty means any. */
    List<InstanceView> instances(String tenant, String environment, String site);

    /** The instance's log from a byte offset, or empty when no such instance exists. */
    Optional<InputStream> openLog(String tenant, String instanceId, long fromOffset) throws IOException;

    /** Events newest last, at most {@code max}. */
    List<CloudEvent> recentEvents(int max);

    /** Calls the listener for every new event until the returned handle is closed. */
    AutoCloseable subscribe(Consumer<CloudEvent> listener);

    /** The tenant's networks that have members now, with their subnets, sites and members. */
    default List<dev.atoll.model.view.NetworkView> networks(String tenant) {
        return List.of();
    }

    /**
     * The tenant's images held by this site and the other reachable ones, with the sites holding
     * each, by the names the tenant gave them (see {@link dev.atoll.model.image.TenantImageNames}).
     */
    default List<ImageView> images(String tenant) {
        return List.of();
    }

    /**
     * Imports an OCI layout or docker-save archive at this site for {@code tenant}, named {@code
     * name} when given (else by the archive's names), in the tenant's own namespace of names.
     */
    default ImportOutcome importImage(String tenant, Path archive, Optional<String> name) {
        return new ImportOutcome.NoStore("this site keeps no images");
    }

    // --- tenants, tokens and the audit log (see dev.atoll.control.auth.AuthRecords) ---------

    /** The tenants and tokens as the site answering knows them now: read on every API request. */
    AuthRecords authRecords();

    /**
     * The token with this id: from {@link #authRecords()}, else asked of every reachable site (a site
     * that missed a new token catches up on its first use).
     */
    Optional<TokenRecord> token(String id);

    /**
     * Commits a change (a new tenant, a new or revoked token) at the site answering, then sends it to
     * every site it reaches; sites it does not reach catch up later. Answers what was new.
     *
     * @throws IllegalStateException when the site answering could not commit it
     */
    AuthRecords changeAuth(AuthRecords change);

    /** Records a request that tried to change something, at the site answering. */
    void recordAudit(AuditEntry entry);

    /** The newest {@code max} audit entries of every reachable site, oldest first; of one tenant, or all when null. */
    List<AuditEntry> audit(String tenant, int max);

    // --- join tokens (see dev.atoll.control.join) ------------------------------------------

    /**
     * Keeps a new one-time join token (its hash; see {@link dev.atoll.control.join.JoinTokens#issue})
     * in the log of the site answering, which must be the token's site for an agent token.
     *
     * @throws IllegalArgumentException naming the field when the request cannot be met here
     */
    default void keepJoinToken(dev.atoll.control.join.JoinToken token) {
        throw new IllegalArgumentException("for: this cloud runs in one process and issues no join tokens");
    }
}
