package dev.atoll.control.site;

import dev.atoll.control.auth.AuthRecords;
import dev.atoll.control.federation.EnvironmentCopy;
import dev.atoll.control.federation.HomeClaim;
import dev.atoll.model.Resources;
import dev.atoll.model.agent.NetworkAttachment;
import dev.atoll.model.auth.AuditEntry;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The whole replicated state of one site, as plain sorted maps so that iteration order (and so
 * every decision made from it) is the same on every member. Only {@link SiteStateMachine} mutates
 * it; everyone else reads copies.
 *
 * @param copies buddy role: the copies other homes keep here of their environments, by environment
 *     key; they do nothing unless their home dies and this site adopts them
 * @param homeClaims target role: the strongest home claim seen per environment key, which decides
 *     which home the replicas here answer to (see {@link HomeClaim})
 * @param deletedHere environments this site homed and deleted, by key: a replica that still runs
 *     somewhere for one of them (its site was cut off when the delete went out) is released when it
 *     shows up; the newest {@link #MAX_DELETED_KEPT} are kept
 * @param auth the cloud's tenants and tokens as this site knows them (every site keeps them all;
 *     see {@link AuthRecords})
 * @param audit the requests to this site's API that tried to change something, oldest first; the
 *     newest {@link #MAX_AUDIT_KEPT} are kept
 * @param joinTokens one-time tokens with which processes join this site (hashed), by id
 * @param moves home role: the moves under way of replicas homed here, by instance key (see {@link
 *     MoveUnderWay}); in the log so that a move survives a restart or a change of leader
 * @param departing target role: the older copy of a replica that moves between two nodes of this
 *     site, by instance key; it runs (and takes its room) until the home releases it after the
 *     switch, or takes its place again when the move fails
 * @param drainingNodes target role: nodes that take no new replicas and whose replicas their homes
 *     move elsewhere ({@code atoll drain})
 */
public record SiteState(
        SortedMap<String, NodeInfo> nodes,
        SortedMap<String, PlacedInstance> instances,
        SortedMap<String, HomedEnvironment> environments,
        SortedMap<String, ReplicaPlacement> placements,
        SortedMap<String, Unplaceable> unplaceable,
        SortedSet<String> downNodes,
        SortedMap<String, EnvironmentCopy> copies,
        SortedMap<String, HomeClaim> homeClaims,
        SortedMap<String, Deleted> deletedHere,
        AuthRecords auth,
        List<AuditEntry> audit,
        SortedMap<String, dev.atoll.control.join.JoinToken> joinTokens,
        SortedMap<String, MoveUnderWay> moves,
        SortedMap<String, PlacedInstance> departing,
        SortedSet<String> drainingNodes) {
    public static final int MAX_DELETED_KEPT = 10_000;
    /** About a megabyte in a snapshot: weeks of deploys at a busy site. */
    public static final int MAX_AUDIT_KEPT = 5_000;

    /** The claim a home held on an environment when it deleted it (the home is the site itself). */
    public record Deleted(long homeEpoch, Instant createdAt) {
        public HomeClaim claimAs(String homeSite) {
            return new HomeClaim(homeSite, homeEpoch, createdAt);
        }
    }

    public SiteState {
        // Snapshots written before buddies existed have neither.
        if (copies == null) copies = new TreeMap<>();
        if (homeClaims == null) homeClaims = new TreeMap<>();
        // Nor before deleted environments were remembered.
        if (deletedHere == null) deletedHere = new TreeMap<>();
        // Nor before tenants and tokens existed.
        if (auth == null) auth = AuthRecords.empty();
        audit = audit == null ? new ArrayList<>() : new ArrayList<>(audit);
        // Nor before join tokens existed.
        joinTokens = joinTokens == null ? new TreeMap<>() : new TreeMap<>(joinTokens);
        // Nor before moves existed.
        if (moves == null) moves = new TreeMap<>();
        if (departing == null) departing = new TreeMap<>();
        if (drainingNodes == null) drainingNodes = new TreeSet<>();
    }

    public static SiteState empty() {
        return new SiteState(
                new TreeMap<>(),
                new TreeMap<>(),
                new TreeMap<>(),
                new TreeMap<>(),
                new TreeMap<>(),
                new TreeSet<>(),
                new TreeMap<>(),
                new TreeMap<>(),
                new TreeMap<>(),
                AuthRecords.empty(),
                new ArrayList<>(),
                new TreeMap<>(),
                new TreeMap<>(),
                new TreeMap<>(),
                new TreeSet<>());
    }

    public SiteState deepCopy() {
        return new SiteState(
                new TreeMap<>(nodes),
                new TreeMap<>(instances),
                new TreeMap<>(environments),
                new TreeMap<>(placements),
                new TreeMap<>(unplaceable),
                new TreeSet<>(downNodes),
                new TreeMap<>(copies),
                new TreeMap<>(homeClaims),
                new TreeMap<>(deletedHere),
                auth.copy(),
                new ArrayList<>(audit),
                new TreeMap<>(joinTokens),
                new TreeMap<>(moves),
                new TreeMap<>(departing),
                new TreeSet<>(drainingNodes));
    }

    /**
     * The home a replica here answers to: the strongest claim on its environment, else the site
     * that placed it.
     */
    public String homeOf(PlacedInstance instance) {
        // Claims exist only for adopted environments; most sites have none to look up.
        if (homeClaims.isEmpty()) return instance.homeSite();
        HomeClaim claim = homeClaims.get(
                environmentKey(instance.id().tenant(), instance.id().environment()));
        return claim == null ? instance.homeSite() : claim.homeSite();
    }

    public static String environmentKey(String tenant, String name) {
        return tenant + "/" + name;
    }

    /** The home's placements of one environment's replicas, by instance key (a live view). */
    public SortedMap<String, ReplicaPlacement> placementsOf(HomedEnvironment environment) {
        return ofEnvironment(placements, environment);
    }

    /** The replicas of one environment the home could not place, by instance key (a live view). */
    public SortedMap<String, Unplaceable> unplaceableOf(HomedEnvironment environment) {
        return ofEnvironment(unplaceable, environment);
    }

    private static <V> SortedMap<String, V> ofEnvironment(
            SortedMap<String, V> byInstanceKey, HomedEnvironment environment) {
        return ofEnvironment(byInstanceKey, environment.key());
    }

    /**
     * The entries of one environment (tenant/name) in a map by instance key, as a live view: instance
     * keys are "<tenant>/<environment>.<service>.<index>", so one environment is a key range.
     */
    public static <V> SortedMap<String, V> ofEnvironment(SortedMap<String, V> byInstanceKey, String environmentKey) {
        String prefix = environmentKey + ".";
        return byInstanceKey.subMap(prefix, prefix + Character.MAX_VALUE);
    }

    /** Resources and slots taken on a node by the replicas placed on it. */
    public Resources allocatedOn(String node) {
        Resources sum = Resources.ZERO;
        for (PlacedInstance i : onNodes())
            if (i.node().equals(node)) sum = sum.plus(i.service().resources());
        return sum;
    }

    public int instancesOn(String node) {
        int n = 0;
        for (PlacedInstance i : onNodes()) if (i.node().equals(node)) n++;
        return n;
    }

    /** Every copy that takes room on a node: the replicas, and the departing copies of moves. */
    public Iterable<PlacedInstance> onNodes() {
        if (departing.isEmpty()) return instances.values();
        List<PlacedInstance> all = new ArrayList<>(instances.values());
        all.addAll(departing.values());
        return all;
    }

    /** What the replicas placed on one node take. */
    public record NodeLoad(Resources allocated, int instances) {
        public static final NodeLoad NONE = new NodeLoad(Resources.ZERO, 0);
    }

    /**
     * {@link #allocatedOn} and {@link #instancesOn} for every node in one pass over the replicas:
     * what a site needs when it judges all its nodes at once (a summary, an offer).
     */
    public Map<String, NodeLoad> loadByNode() {
        Map<String, NodeLoad> load = new java.util.HashMap<>();
        for (PlacedInstance i : onNodes()) {
            load.merge(
                    i.node(),
                    new NodeLoad(i.service().resources(), 1),
                    (a, b) -> new NodeLoad(a.allocated().plus(b.allocated()), a.instances() + b.instances()));
        }
        return load;
    }

    /** A replica this site runs (target role), with what its agent last observed. */
    public record PlacedInstance(
            InstanceId id,
            long generation,
            ServiceSpec service,
            String node,
            String homeSite,
            Instant placedAt,
            InstanceState state,
            Map<String, Integer> ports,
            Optional<Long> pid,
            Optional<Instant> startedAt,
            int restarts,
            String message,
            java.util.List<NetworkAttachment> networks,
            dev.atoll.model.agent.Migration migration) {
        public PlacedInstance {
            ports = Map.copyOf(ports);
            // Snapshots written before networks existed have none.
            networks = networks == null ? java.util.List.of() : java.util.List.copyOf(networks);
        }

        /** No live migration (a snapshot written before migrations has none). */
        public PlacedInstance(
                InstanceId id,
                long generation,
                ServiceSpec service,
                String node,
                String homeSite,
                Instant placedAt,
                InstanceState state,
                Map<String, Integer> ports,
                Optional<Long> pid,
                Optional<Instant> startedAt,
                int restarts,
                String message,
                java.util.List<NetworkAttachment> networks) {
            this(
                    id,
                    generation,
                    service,
                    node,
                    homeSite,
                    placedAt,
                    state,
                    ports,
                    pid,
                    startedAt,
                    restarts,
                    message,
                    networks,
                    null);
        }

        PlacedInstance observed(
                InstanceState s, Map<String, Integer> p, Optional<Long> pi, Optional<Instant> st, int r, String m) {
            return new PlacedInstance(
                    id, generation, service, node, homeSite, placedAt, s, p, pi, st, r, m, networks, migration);
        }

        PlacedInstance migrating(dev.atoll.model.agent.Migration m) {
            return new PlacedInstance(
                    id,
                    generation,
                    service,
                    node,
                    homeSite,
                    placedAt,
                    state,
                    ports,
                    pid,
                    startedAt,
                    restarts,
                    message,
                    networks,
                    m);
        }
    }

    /**
     * An environment homed here. {@code templateVersions} gives, per service, the environment
     * version at which its instance template last changed: replicas placed for an older one are due
     * for a rolling update. {@code homeEpoch} is 1 where it was deployed and one more per adoption
     * by a buddy.
     */
    public record HomedEnvironment(
            EnvironmentSpec spec,
            long version,
            Map<String, Long> templateVersions,
            Instant createdAt,
            Instant updatedAt,
            boolean deleting,
            long homeEpoch) {
        public HomedEnvironment {
            templateVersions = Map.copyOf(templateVersions);
            // Records written before adoption existed carry no epoch: they are first homes.
            if (homeEpoch < 1) homeEpoch = 1;
        }

        /** An environment at the site it was deployed through (home epoch 1). */
        public HomedEnvironment(
                EnvironmentSpec spec,
                long version,
                Map<String, Long> templateVersions,
                Instant createdAt,
                Instant updatedAt,
                boolean deleting) {
            this(spec, version, templateVersions, createdAt, updatedAt, deleting, 1);
        }

        public String key() {
            return environmentKey(spec.tenant(), spec.name());
        }

        /** This home's claim on the environment, as the site {@code homeSite}. */
        public HomeClaim claimAs(String homeSite) {
            return new HomeClaim(homeSite, homeEpoch, createdAt);
        }
    }

    /** Where the home put one replica, and the addresses it gave it on its networks. */
    public record ReplicaPlacement(
            InstanceId id,
            String site,
            long generation,
            long templateVersion,
            java.util.List<NetworkAttachment> networks) {
        public ReplicaPlacement {
            // Snapshots written before networks existed have none.
            networks = networks == null ? java.util.List.of() : java.util.List.copyOf(networks);
        }

        public ReplicaPlacement(InstanceId id, String site, long generation, long templateVersion) {
            this(id, site, generation, templateVersion, java.util.List.of());
        }
    }

    /**
     * A move of a replica homed here, from where it runs ({@code move.from()}, at {@code
     * fromGeneration}) to {@code move.to()}: the new copy is placed at {@code toGeneration} while the
     * old one keeps running; once the new one runs, the placement switches to it and the old one is
     * released (make before break). A failed move releases the new copy and keeps the old one.
     *
     * @param placedAt the site that accepted the new copy, once one did (null while placing)
     * @param networks the new copy's addresses on its networks, once placed
     * @param retarget whether the destination site may be changed when it refuses (a drain moves a
     *     replica anywhere its constraints allow; a user's move goes where the user said or nowhere)
     * @param migrateTo a micro-VM's move: host:port where the new copy waits for the running one's
     *     memory (live migration), once placed; null otherwise
     */
    public record MoveUnderWay(
            dev.atoll.placement.rebalance.Move move,
            long fromGeneration,
            long toGeneration,
            Instant startedAt,
            Phase phase,
            String placedAt,
            java.util.List<NetworkAttachment> networks,
            boolean retarget,
            String migrateTo) {
        public enum Phase {
            /** The home looks for room at the destination. */
            PLACING,
            /** The destination accepted the new copy; the home waits for it to run. */
            STARTING,
            /** The placement is the new copy; the old one is being released. */
            SWITCHED
        }

        public MoveUnderWay {
            networks = networks == null ? java.util.List.of() : java.util.List.copyOf(networks);
        }

        public InstanceId id() {
            return move.id();
        }
    }

    /**
     * A replica the home could not place, and why.
     *
     * @param since when it first failed for this reason
     * @param attempts placements tried and failed since then (at least 1)
     * @param lastTried when the last of them failed; the next waits {@link #retryAt()}
     */
    public record Unplaceable(InstanceId id, String reason, Instant since, int attempts, Instant lastTried) {
        /** The first wait; each failed try doubles it, up to {@link #LONGEST_WAIT}. */
        public static final Duration FIRST_WAIT = Duration.ofSeconds(2);
        /**
         * A replica that cannot be placed is tried again at least this often, so room that frees up
         * (a scale down, a node back) is used within it without every home placing its hopeless
         * replicas every second (each try asks every site's summary and is a Raft commit).
         */
        public static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

        public Unplaceable {
            // Snapshots written before attempts were counted read as one attempt, tried when first failed.
            if (attempts < 1) attempts = 1;
            if (lastTried == null) lastTried = since;
        }

        public Unplaceable(InstanceId id, String reason, Instant since) {
            this(id, reason, since, 1, since);
        }

        /** When the home may try it again. */
        public Instant retryAt() {
            long doublings = Math.min(attempts - 1, 10);
            var wait = FIRST_WAIT.multipliedBy(1L << doublings);
            return lastTried.plus(wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait);
        }

        /** This replica failed once more, for {@code why}, at {@code at}. */
        public Unplaceable failedAgain(String why, Instant at) {
            return why.equals(reason)
                    ? new Unplaceable(id, reason, since, attempts + 1, at)
                    : new Unplaceable(id, why, at, attempts + 1, at);
        }
    }
}
