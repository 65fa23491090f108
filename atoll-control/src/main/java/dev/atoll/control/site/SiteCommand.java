package dev.atoll.control.site;

import dev.atoll.control.federation.EnvironmentCopy;
import dev.atoll.control.federation.HomeClaim;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import java.time.Instant;
import java.util.List;

/**
 * Everything that changes a site's state, as entries of its Raft log. Time is carried in the command
 * (never read during apply) so every member applies the same command to the same result.
 *
 * <p>A site plays two roles at once: <em>home</em> of the environments users deployed through it
 * (it decides where their replicas go) and <em>target</em> of the replicas other homes placed on its
 * nodes (it decides which node runs them) and <em>buddy</em> of other homes' environments (it keeps a
 * copy, and adopts the environment if its home dies).
 */
public sealed interface SiteCommand {
    /** A node's agent joined the site (again): idempotent. */
    record RegisterNode(NodeInfo node) implements SiteCommand {}

    // --- home role -------------------------------------------------------------------------

    /** Create or change an environment homed at this site. */
    record PutEnvironment(EnvironmentSpec spec, Instant at) implements SiteCommand {}

    /** Start deleting: the reconciler releases every replica, then forgets the environment. */
    record DeleteEnvironment(String tenant, String name, Instant at) implements SiteCommand {}

    record ForgetEnvironment(String tenant, String name) implements SiteCommand {}

    /** A target site accepted replica {@code id} at {@code generation}, for the given template. */
    record RecordPlacement(
            InstanceId id,
            String site,
            long generation,
            long templateVersion,
            java.util.List<dev.atoll.model.agent.NetworkAttachment> networks)
            implements SiteCommand {
        public RecordPlacement {
            // Logged before networks existed: none.
            networks = networks == null ? java.util.List.of() : java.util.List.copyOf(networks);
        }

        public RecordPlacement(InstanceId id, String site, long generation, long templateVersion) {
            this(id, site, generation, templateVersion, java.util.List.of());
        }
    }

    /** No site could take the replica; the reason is what users see. */
    record RecordUnplaceable(InstanceId id, String reason, Instant at) implements SiteCommand {}

    record ForgetPlacement(InstanceId id) implements SiteCommand {}

    /**
     * Start moving a replica homed here (see {@link SiteState.MoveUnderWay}): refused, changing
     * nothing, when the replica is not where the move says, or already moves. Responds with {@link
     * Applied.MoveRefused} or null.
     */
    record StartMove(dev.atoll.placement.rebalance.Move move, long fromGeneration, boolean retarget, Instant at)
            implements SiteCommand {}

    /**
     * The destination site accepted the new copy of a moving replica; {@code migrateTo} (a
     * micro-VM's, else null) is where the new copy waits for the running one's memory.
     */
    record MovePlaced(
            InstanceId id,
            long toGeneration,
            String site,
            java.util.List<dev.atoll.model.agent.NetworkAttachment> networks,
            String migrateTo)
            implements SiteCommand {
        public MovePlaced {
            networks = networks == null ? java.util.List.of() : java.util.List.copyOf(networks);
        }
    }

    /** The new copy runs: the placement becomes the new copy; the old one is to be released. */
    record SwitchMove(InstanceId id, long toGeneration, Instant at) implements SiteCommand {}

    /**
     * The move is over: the old copy stopped ({@code succeeded}), or the move failed for {@code
     * reason} and the original keeps running.
     */
    record EndMove(InstanceId id, long toGeneration, boolean succeeded, String reason, Instant at)
            implements SiteCommand {}

    // --- target role -----------------------------------------------------------------------

    /**
     * Take no new replicas on {@code node} and have their homes move the ones there ({@code
     * draining}), or take them again (not {@code draining}).
     */
    record DrainNode(String node, boolean draining) implements SiteCommand {}

    /**
     * Run replica {@code id} at {@code generation} on {@code node}. A higher generation of a replica
     * already here replaces it, unless {@code keepPrevious} (a move between two nodes of this site):
     * then the older copy keeps running as the departing one until it is released. Refused when the node cannot hold it any more (a race between
     * offers the leader's choice did not see), or when a stronger home than {@code claim} claims the
     * environment here. A null {@code claim} (commands logged before claims existed) counts as
     * {@code homeSite}'s first claim.
     */
    record ReserveInstance(
            InstanceId id,
            long generation,
            ServiceSpec service,
            String homeSite,
            String node,
            Instant at,
            HomeClaim claim,
            java.util.List<dev.atoll.model.agent.NetworkAttachment> networks,
            boolean keepPrevious,
            dev.atoll.model.agent.Migration migration)
            implements SiteCommand {
        public ReserveInstance {
            // Logged before networks existed: none.
            networks = networks == null ? java.util.List.of() : java.util.List.copyOf(networks);
        }

        public ReserveInstance(
                InstanceId id,
                long generation,
                ServiceSpec service,
                String homeSite,
                String node,
                Instant at,
                HomeClaim claim,
                java.util.List<dev.atoll.model.agent.NetworkAttachment> networks) {
            this(id, generation, service, homeSite, node, at, claim, networks, false, null);
        }

        public ReserveInstance(
                InstanceId id,
                long generation,
                ServiceSpec service,
                String homeSite,
                String node,
                Instant at,
                HomeClaim claim,
                java.util.List<dev.atoll.model.agent.NetworkAttachment> networks,
                boolean keepPrevious) {
            this(id, generation, service, homeSite, node, at, claim, networks, keepPrevious, null);
        }

        public ReserveInstance(
                InstanceId id,
                long generation,
                ServiceSpec service,
                String homeSite,
                String node,
                Instant at,
                HomeClaim claim) {
            this(id, generation, service, homeSite, node, at, claim, java.util.List.of());
        }

        public ReserveInstance(
                InstanceId id, long generation, ServiceSpec service, String homeSite, String node, Instant at) {
            this(id, generation, service, homeSite, node, at, null);
        }
    }

    /**
     * Stop and forget replica {@code id} unless a newer generation replaced it meanwhile, or a
     * stronger home than {@code by} claims its environment here (null: whoever asks).
     */
    /**
     * Send the running micro-VM of replica {@code id} at {@code generation} live to {@code
     * migration} (outgoing): its agent copies the memory while the guest runs. Ignored for another
     * generation, or when a stronger home than {@code by} claims its environment here.
     */
    record MigrateOut(InstanceId id, long generation, dev.atoll.model.agent.Migration migration, HomeClaim by)
            implements SiteCommand {}

    record ReleaseInstance(InstanceId id, long generation, HomeClaim by) implements SiteCommand {
        public ReleaseInstance(InstanceId id, long generation) {
            this(id, generation, null);
        }
    }

    /**
     * Record that {@code claim.homeSite()} homes the environment, unless a stronger claim is known
     * here. Replicas here answer to the new home from now on; an environment homed here under a
     * weaker claim is forgotten (its replicas are the new home's to keep or stop), and so is a
     * weaker copy. {@code thisSite} names the site applying it (the state machine is the same on
     * every site and does not know). Responds with the strongest claim after applying.
     */
    record ClaimHome(String tenant, String name, HomeClaim claim, String thisSite) implements SiteCommand {}

    /**
     * Several {@link ClaimHome}s applied in order as one command: what a home that adopted many
     * environments sends a site in one call, so the site commits once for them. Responds with the
     * list of each one's response.
     */
    record ClaimHomes(List<ClaimHome> claims) implements SiteCommand {
        public ClaimHomes {
            claims = List.copyOf(claims);
        }
    }

    // --- buddy role ------------------------------------------------------------------------

    /** Keep (or refresh) a home's copy of an environment. Responds with the strongest claim known here. */
    record StoreCopy(EnvironmentCopy copy) implements SiteCommand {}

    /** The home forgot the environment: drop the copy, unless it is a stronger home's. */
    record ForgetCopy(String tenant, String name, HomeClaim claim) implements SiteCommand {}

    /**
     * The copy's home is dead: home the environment here ({@code adopter}) with the next home epoch,
     * keeping its placements so replicas still running elsewhere stay where they are.
     */
    record AdoptEnvironment(String tenant, String name, String adopter, Instant at) implements SiteCommand {}

    /**
     * The leader stopped hearing the node's agent: its replicas count as lost until their homes
     * place them again (with a higher generation), and nothing new goes there.
     */
    record MarkNodeDown(String node, String reason, Instant at) implements SiteCommand {}

    /** The node's agent is heard again. */
    record MarkNodeUp(String node) implements SiteCommand {}

    /** What the node agent observed about a replica. Ignored for a superseded generation. */
    record ReportInstance(InstanceReport report) implements SiteCommand {}

    // --- tenants, tokens and the audit log ---------------------------------------------------

    /**
     * Merge tenants and tokens another site or this site's API knows into this site's copy (see
     * {@link dev.atoll.control.auth.AuthRecords#merge}). Responds with what was new here.
     */
    record MergeAuth(dev.atoll.control.auth.AuthRecords records) implements SiteCommand {}

    /** A request to this site's API that tried to change something; the newest entries are kept. */
    record RecordAudit(dev.atoll.model.auth.AuditEntry entry) implements SiteCommand {}

    // --- join tokens ---------------------------------------------------------------------------

    /** Keeps a one-time join token (hashed). Responds true, or false when the site holds too many. */
    record IssueJoinToken(dev.atoll.control.join.JoinToken token) implements SiteCommand {}

    /**
     * Uses up a join token presented to site {@code site} by a process that joins as {@code by}. Responds with a {@link
     * dev.atoll.control.join.JoinTokenUse}: applied in log order, so a token works once.
     */
    record ConsumeJoinToken(
            String id, String secretHash, dev.atoll.wire.tls.PeerRole role, String site, String by, Instant at)
            implements SiteCommand {}
}
