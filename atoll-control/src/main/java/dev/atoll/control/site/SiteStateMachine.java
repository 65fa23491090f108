package dev.atoll.control.site;

import dev.atoll.control.federation.EnvironmentCopy;
import dev.atoll.control.federation.HomeClaim;
import dev.atoll.control.raft.ReplicatedStateMachine;
import dev.atoll.control.site.Applied.EnvironmentChanged;
import dev.atoll.control.site.Applied.EnvironmentChanged.Outcome;
import dev.atoll.control.site.Applied.Reservation;
import dev.atoll.control.site.SiteCommand.*;
import dev.atoll.control.site.SiteState.HomedEnvironment;
import dev.atoll.control.site.SiteState.PlacedInstance;
import dev.atoll.control.site.SiteState.ReplicaPlacement;
import dev.atoll.control.site.SiteState.Unplaceable;
import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The deterministic heart of a site: applies {@link SiteCommand}s in log order to a {@link
 * SiteState}. The same {@link #apply(SiteCommand)} runs on the leader, on followers and at restart.
 * Reads take a lock-protected copy or a function over the state, since Raft applies on its own
 * thread.
 */
public final class SiteStateMachine implements ReplicatedStateMachine {
    private SiteState state = SiteState.empty();
    private long lastApplied;
    /**
     * Environments (tenant/name) whose record, placements or replicas changed since the controller
     * last asked, so that it reconciles and reports only those; not part of the state (a new
     * controller starts by looking at everything). True in {@link #everythingTouched} after a
     * snapshot replaced the whole state.
     */
    private Set<String> touched = new HashSet<>();

    private boolean everythingTouched = true;

    /**
     * Per node, what the replicas on it take: kept with every reservation and release (the only
     * commands that move replicas between nodes) rather than summed over every replica at every
     * offer, summary and reservation. Derived, so rebuilt from a restored snapshot.
     */
    private final Map<String, SiteState.NodeLoad> loads = new HashMap<>();

    /** What the replicas on each node take, as {@link SiteState#loadByNode} works it out. */
    public synchronized Map<String, SiteState.NodeLoad> loadByNode() {
        return Map.copyOf(loads);
    }

    /**
     * What the replicas on one node take ({@link SiteState.NodeLoad#NONE} for none); call inside
     * {@link #read}, as offers and summaries do for every node (not locking again for each).
     */
    public SiteState.NodeLoad loadOn(String node) {
        return loads.getOrDefault(node, SiteState.NodeLoad.NONE);
    }

    /** Per node, the keys of the replicas on it, kept with {@link #loads}. */
    private final Map<String, java.util.TreeSet<String>> keysByNode = new HashMap<>();

    /**
     * Nodes whose replicas changed, or that were registered or marked up, since the controller last
     * asked (one reader: its push of assignments); all of them after a restore.
     */
    private Set<String> changedNodes = new HashSet<>();

    private boolean everyNodeChanged = true;

    /** Which nodes' assignments may have changed: some, or all. */
    public record ChangedNodes(boolean everything, Set<String> nodes) {}

    public synchronized ChangedNodes drainChangedNodes() {
        var result = new ChangedNodes(everyNodeChanged, changedNodes);
        changedNodes = new HashSet<>();
        everyNodeChanged = false;
        return result;
    }

    /** The replicas on a node, by key; call inside {@link #read}. */
    public List<PlacedInstance> instancesOn(String node) {
        var keys = keysByNode.get(node);
        if (keys == null) return List.of();
        List<PlacedInstance> result = new ArrayList<>(keys.size());
        for (String key : keys) {
            // A moving replica's two copies share a key, on two nodes: the one on this node.
            PlacedInstance i = state.instances().get(key);
            if (i != null && i.node().equals(node)) result.add(i);
            PlacedInstance d = state.departing().get(key);
            if (d != null && d.node().equals(node)) result.add(d);
        }
        return result;
    }

    private void load(PlacedInstance instance, boolean added) {
        var keys = keysByNode.computeIfAbsent(instance.node(), n -> new java.util.TreeSet<>());
        if (added) keys.add(instance.id().key());
        else keys.remove(instance.id().key());
        if (keys.isEmpty()) keysByNode.remove(instance.node());
        changedNodes.add(instance.node());
        var now = loads.getOrDefault(instance.node(), SiteState.NodeLoad.NONE);
        var resources = instance.service().resources();
        var next = added
                ? new SiteState.NodeLoad(now.allocated().plus(resources), now.instances() + 1)
                : new SiteState.NodeLoad(now.allocated().minusClamped(resources), now.instances() - 1);
        if (next.instances() <= 0) loads.remove(instance.node());
        else loads.put(instance.node(), next);
    }

    /**
     * Per site, the home's placements there by instance key: what a target's report is checked
     * against, many times a second, so kept with every command that moves placements rather than
     * regrouped from all of them. Derived, so rebuilt from a restored snapshot.
     */
    private final Map<String, java.util.NavigableMap<String, ReplicaPlacement>> placementsBySite = new HashMap<>();

    /** This home's placements at {@code site}, by instance key; call inside {@link #read} (a live view). */
    public java.util.SortedMap<String, ReplicaPlacement> placementsAt(String site) {
        var placed = placementsBySite.get(site);
        return placed == null
                ? java.util.Collections.emptySortedMap()
                : java.util.Collections.unmodifiableSortedMap(placed);
    }

    /** Per site, a number that changes whenever {@link #placementsAt} that site changes. */
    private final Map<String, Long> placementsVersions = new HashMap<>();

    private long placementChanges;

    /**
     * A version of {@link #placementsAt}{@code (site)}: equal numbers, equal placements (they never
     * go backwards, also across a restore).
     */
    public synchronized long placementsVersionAt(String site) {
        return placementsVersions.getOrDefault(site, 0L);
    }

    /** Brings the per-site index in line with the placements of one environment. */
    private void indexPlacements(String environmentKey, java.util.SortedMap<String, ReplicaPlacement> before) {
        var after = SiteState.ofEnvironment(state.placements(), environmentKey);
        if (before != null) {
            for (var e : before.entrySet()) {
                if (e.getValue().equals(after.get(e.getKey()))) continue;
                unindexPlacement(e.getKey(), e.getValue().site());
            }
        }
        for (var e : after.entrySet()) indexPlacement(e.getKey(), e.getValue());
    }

    private void indexPlacement(String instanceKey, ReplicaPlacement placement) {
        var previous = placementsBySite
                .computeIfAbsent(placement.site(), s -> new java.util.TreeMap<>())
                .put(instanceKey, placement);
        if (!placement.equals(previous)) {
            placementsVersions.put(placement.site(), ++placementChanges);
            notePlacementChanged(placement.site(), instanceKey);
        }
    }

    private void unindexPlacement(String instanceKey, String site) {
        var placed = placementsBySite.get(site);
        if (placed == null || placed.remove(instanceKey) == null) return;
        placementsVersions.put(site, ++placementChanges);
        notePlacementChanged(site, instanceKey);
        if (placed.isEmpty()) placementsBySite.remove(site);
    }

    private void indexAllPlacements() {
        placementsBySite.clear();
        placementsVersions.replaceAll((site, version) -> ++placementChanges);
        for (var e : state.placements().entrySet()) indexPlacement(e.getKey(), e.getValue());
        everyPlacementChanged = true;
        changedPlacements.clear();
        changedPlacementCount = 0;
    }

    /**
     * Per site, the instance keys whose placement there changed since the home last asked (one
     * reader: the check of targets' reports, which looks again only at what changed). A follower's
     * machine is never asked, so past {@link #MAX_CHANGED_PLACEMENTS} it says "everything" instead.
     */
    private final Map<String, Set<String>> changedPlacements = new HashMap<>();

    private int changedPlacementCount;
    private boolean everyPlacementChanged = true;
    private static final int MAX_CHANGED_PLACEMENTS = 100_000;

    private void notePlacementChanged(String site, String instanceKey) {
        if (everyPlacementChanged) return;
        if (changedPlacements.computeIfAbsent(site, k -> new HashSet<>()).add(instanceKey)
                && ++changedPlacementCount > MAX_CHANGED_PLACEMENTS) {
            everyPlacementChanged = true;
            changedPlacements.clear();
            changedPlacementCount = 0;
        }
    }

    /** Whose placements changed at which sites since the last call: some keys per site, or everything. */
    public record ChangedPlacements(boolean everything, Map<String, Set<String>> bySite) {}

    public synchronized ChangedPlacements drainChangedPlacements() {
        if (!everyPlacementChanged && changedPlacementCount == 0) return NO_PLACEMENT_CHANGED;
        var changed = new ChangedPlacements(
                everyPlacementChanged, everyPlacementChanged ? Map.of() : Map.copyOf(changedPlacements));
        everyPlacementChanged = false;
        changedPlacements.clear();
        changedPlacementCount = 0;
        return changed;
    }

    private static final ChangedPlacements NO_PLACEMENT_CHANGED = new ChangedPlacements(false, Map.of());

    /** The environment whose placements {@code command} may change, or null. */
    private static String placementsChangedBy(SiteCommand command) {
        return switch (command) {
            case RecordPlacement c -> environmentOf(c.id());
            case ForgetPlacement c -> environmentOf(c.id());
            case DeleteEnvironment c -> SiteState.environmentKey(c.tenant(), c.name());
            case ForgetEnvironment c -> SiteState.environmentKey(c.tenant(), c.name());
            case ClaimHome c -> SiteState.environmentKey(c.tenant(), c.name());
            case AdoptEnvironment c -> SiteState.environmentKey(c.tenant(), c.name());
            case SwitchMove c -> environmentOf(c.id());
            default -> null;
        };
    }

    /**
     * Counts the commands that may add or remove an environment this site holds (homed or as a
     * copy), and restores: while it stands still, so does the set of environments held here. Lets
     * a watcher (the simulator's durability check over a thousand sites) skip re-reading them.
     */
    private long heldChanges;

    public synchronized long heldChanges() {
        return heldChanges;
    }

    /** What changed since the last call: which environments, or everything. */
    public record Touched(boolean everything, Set<String> environments) {}

    /** The environments touched since the last call, and forgets them (one reader: the site's controller). */
    public synchronized Touched drainTouched() {
        Touched result = new Touched(everythingTouched, touched);
        touched = new HashSet<>();
        everythingTouched = false;
        return result;
    }

    @Override
    public synchronized Object apply(long commitIndex, byte[] command) {
        lastApplied = commitIndex;
        return apply(SiteCodec.readCommand(command));
    }

    @Override
    public synchronized byte[] snapshot() {
        return SiteCodec.writeState(state);
    }

    @Override
    public synchronized void restore(byte[] snapshot) {
        state = SiteCodec.readState(snapshot);
        loads.clear();
        loads.putAll(state.loadByNode());
        keysByNode.clear();
        for (PlacedInstance i : state.onNodes())
            keysByNode.computeIfAbsent(i.node(), n -> new java.util.TreeSet<>()).add(i.id().key());
        everyNodeChanged = true;
        changedNodes.clear();
        indexAllPlacements();
        heldChanges++;
        everythingTouched = true;
        touched.clear();
    }

    /** Runs {@code query} over the current state under the lock; it must not keep references. */
    public synchronized <T> T read(Function<SiteState, T> query) {
        return query.apply(state);
    }

    public synchronized long lastApplied() {
        return lastApplied;
    }

    /** Like {@link #read} but also passes the commit index of the state read (a version of it). */
    public synchronized <T> T readAt(java.util.function.BiFunction<SiteState, Long, T> query) {
        return query.apply(state, lastApplied);
    }

    /** Applies one command. Package-visible for tests, which need no Raft. */
    synchronized Applied apply(SiteCommand command) {
        List<SiteEvent> events = new ArrayList<>();
        touch(command);
        String placementsOf = placementsChangedBy(command);
        var placedBefore = placementsOf == null
                ? null
                : new java.util.TreeMap<>(SiteState.ofEnvironment(state.placements(), placementsOf));
        Object response =
                switch (command) {
                    case RegisterNode c -> {
                        changedNodes.add(c.node().name());
                        yield registerNode(c, events);
                    }
                    case PutEnvironment c -> putEnvironment(c, events);
                    case DeleteEnvironment c -> deleteEnvironment(c, events);
                    case ForgetEnvironment c -> forgetEnvironment(c, events);
                    case RecordPlacement c -> recordPlacement(c);
                    case RecordUnplaceable c -> recordUnplaceable(c, events);
                    case ForgetPlacement c -> {
                        state.placements().remove(c.id().key());
                        state.unplaceable().remove(c.id().key());
                        yield null;
                    }
                    case ReserveInstance c -> reserve(c, events);
                    case ReleaseInstance c -> release(c, events);
                    case ReportInstance c -> report(c, events);
                    case MarkNodeDown c -> markNodeDown(c, events);
                    case MarkNodeUp c -> {
                        changedNodes.add(c.node());
                        if (state.downNodes().remove(c.node())) {
                            events.add(new SiteEvent("node-up", null, null, "node " + c.node() + " is heard again"));
                        }
                        yield null;
                    }
                    case ClaimHome c -> claimHome(c, events);
                    case ClaimHomes batch -> {
                        // Each one as its own command (its touches, index and counts), under one commit.
                        List<Object> standings = new ArrayList<>(batch.claims().size());
                        for (ClaimHome c : batch.claims()) {
                            Applied one = apply(c);
                            events.addAll(one.events());
                            standings.add(one.response());
                        }
                        yield standings;
                    }
                    case StoreCopy c -> storeCopy(c);
                    case ForgetCopy c -> forgetCopy(c);
                    case AdoptEnvironment c -> adopt(c, events);
                    case MergeAuth c -> state.auth().merge(c.records());
                    case StartMove c -> startMove(c, events);
                    case MovePlaced c -> movePlaced(c, events);
                    case SwitchMove c -> switchMove(c, events);
                    case EndMove c -> endMove(c, events);
                    case DrainNode c -> drainNode(c, events);
                    case MigrateOut c -> migrateOut(c, events);
                    case RecordAudit c -> {
                        state.audit().add(c.entry());
                        if (state.audit().size() > SiteState.MAX_AUDIT_KEPT) {
                            state.audit()
                                    .subList(0, state.audit().size() - SiteState.MAX_AUDIT_KEPT)
                                    .clear();
                        }
                        yield null;
                    }
                    case IssueJoinToken c -> dev.atoll.control.join.JoinTokens.keep(state.joinTokens(), c.token());
                    case ConsumeJoinToken c ->
                        dev.atoll.control.join.JoinTokens.consume(
                                state.joinTokens(), c.id(), c.secretHash(), c.role(), c.site(), c.by(), c.at());
                };
        if (placementsOf != null) indexPlacements(placementsOf, placedBefore);
        switch (command) {
            case PutEnvironment c -> heldChanges++;
            case ForgetEnvironment c -> heldChanges++;
            case ClaimHome c -> heldChanges++;
            case StoreCopy c -> heldChanges++;
            case ForgetCopy c -> heldChanges++;
            case AdoptEnvironment c -> heldChanges++;
            default -> {}
        }
        return new Applied(response, events);
    }

    /** Records which environments {@code command} may change (before it runs: a forget removes them). */
    private void touch(SiteCommand command) {
        if (everythingTouched) return;
        switch (command) {
            case RegisterNode c -> {
                // A node's address is part of what its replicas' network members say.
                if (state.nodes().containsKey(c.node().name()))
                    touchNode(c.node().name());
            }
            case PutEnvironment c ->
                touched.add(SiteState.environmentKey(c.spec().tenant(), c.spec().name()));
            case DeleteEnvironment c -> touched.add(SiteState.environmentKey(c.tenant(), c.name()));
            case ForgetEnvironment c -> touched.add(SiteState.environmentKey(c.tenant(), c.name()));
            case RecordPlacement c -> touched.add(environmentOf(c.id()));
            case RecordUnplaceable c -> touched.add(environmentOf(c.id()));
            case ForgetPlacement c -> touched.add(environmentOf(c.id()));
            case ReserveInstance c -> touched.add(environmentOf(c.id()));
            case ReleaseInstance c -> touched.add(environmentOf(c.id()));
            case ReportInstance c -> touched.add(environmentOf(c.report().id()));
            case MarkNodeDown c -> touchNode(c.node());
            case MarkNodeUp c -> touchNode(c.node());
            case ClaimHome c -> touched.add(SiteState.environmentKey(c.tenant(), c.name()));
            case ClaimHomes c -> {
                // Each claim touches its environment when it is applied.
            }
            case StoreCopy c -> touched.add(c.copy().key());
            case ForgetCopy c -> touched.add(SiteState.environmentKey(c.tenant(), c.name()));
            case AdoptEnvironment c -> touched.add(SiteState.environmentKey(c.tenant(), c.name()));
            case MergeAuth c -> {
                // Tenants and tokens change no environment.
            }
            case RecordAudit c -> {
                // Nor does the audit log.
            }
            case IssueJoinToken c -> {
                // Nor do join tokens.
            }
            case ConsumeJoinToken c -> {}
            case StartMove c -> touched.add(environmentOf(c.move().id()));
            case MovePlaced c -> touched.add(environmentOf(c.id()));
            case SwitchMove c -> touched.add(environmentOf(c.id()));
            case EndMove c -> touched.add(environmentOf(c.id()));
            case DrainNode c -> touchNode(c.node());
            case MigrateOut c -> touched.add(environmentOf(c.id()));
        }
    }

    private void touchNode(String node) {
        for (PlacedInstance i : state.onNodes()) if (i.node().equals(node)) touched.add(environmentOf(i.id()));
    }

    private static String environmentOf(dev.atoll.model.instance.InstanceId id) {
        return SiteState.environmentKey(id.tenant(), id.environment());
    }

    private Object registerNode(RegisterNode c, List<SiteEvent> events) {
        NodeInfo previous = state.nodes().put(c.node().name(), c.node());
        if (!c.node().equals(previous)) {
            events.add(new SiteEvent(
                    "node-registered", null, null, "node " + c.node().id() + " joined"));
        }
        return null;
    }

    private Object putEnvironment(PutEnvironment c, List<SiteEvent> events) {
        EnvironmentSpec spec = c.spec();
        String key = SiteState.environmentKey(spec.tenant(), spec.name());
        HomedEnvironment existing = state.environments().get(key);
        if (existing == null || existing.deleting()) {
            long version = existing == null ? 1 : existing.version() + 1;
            Map<String, Long> templates = new HashMap<>();
            spec.services().keySet().forEach(s -> templates.put(s, version));
            state.environments().put(key, new HomedEnvironment(spec, version, templates, c.at(), c.at(), false));
            forgetUnwantedUnplaceable(spec);
            events.add(new SiteEvent("environment-created", spec.name(), null, describe(spec), spec.tenant()));
            return new EnvironmentChanged(
                    Outcome.CREATED, List.copyOf(spec.services().keySet()), version);
        }
        if (existing.spec().equals(spec)) {
            return new EnvironmentChanged(Outcome.UNCHANGED, List.of(), existing.version());
        }
        long version = existing.version() + 1;
        Map<String, Long> templates = new HashMap<>();
        List<String> changed = new ArrayList<>();
        for (var entry : spec.services().entrySet()) {
            ServiceSpec old = existing.spec().services().get(entry.getKey());
            boolean sameTemplate =
                    old != null && old.template().equals(entry.getValue().template());
            templates.put(
                    entry.getKey(), sameTemplate ? existing.templateVersions().get(entry.getKey()) : version);
            if (old == null || !old.equals(entry.getValue())) changed.add(entry.getKey());
        }
        existing.spec().services().keySet().stream()
                .filter(s -> !spec.services().containsKey(s))
                .forEach(changed::add);
        state.environments()
                .put(
                        key,
                        new HomedEnvironment(
                                spec, version, templates, existing.createdAt(), c.at(), false, existing.homeEpoch()));
        forgetUnwantedUnplaceable(spec);
        events.add(new SiteEvent(
                "environment-updated",
                spec.name(),
                null,
                "version " + version + ", changed: " + String.join(", ", changed),
                spec.tenant()));
        return new EnvironmentChanged(Outcome.UPDATED, changed, version);
    }

    /**
     * A replica that found no site is only remembered while the spec still wants it: after a scale
     * down or a removed service it would otherwise be listed as unplaceable for ever, since nothing
     * else forgets it (the reconciler releases placements, not failed attempts).
     */
    private void forgetUnwantedUnplaceable(EnvironmentSpec spec) {
        state.unplaceable().values().removeIf(u -> {
            if (!u.id().tenant().equals(spec.tenant()) || !u.id().environment().equals(spec.name())) return false;
            ServiceSpec service = spec.services().get(u.id().service());
            return service == null || u.id().index() >= service.replicas();
        });
    }

    private static String describe(EnvironmentSpec spec) {
        int replicas = spec.services().values().stream()
                .mapToInt(ServiceSpec::replicas)
                .sum();
        return spec.services().size() + " service(s), " + replicas + " replica(s)";
    }

    private Object deleteEnvironment(DeleteEnvironment c, List<SiteEvent> events) {
        String key = SiteState.environmentKey(c.tenant(), c.name());
        HomedEnvironment existing = state.environments().get(key);
        if (existing == null) return new Applied.NotFound("environment " + c.name());
        if (!existing.deleting()) {
            state.environments()
                    .put(
                            key,
                            new HomedEnvironment(
                                    existing.spec(),
                                    existing.version(),
                                    existing.templateVersions(),
                                    existing.createdAt(),
                                    c.at(),
                                    true,
                                    existing.homeEpoch()));
            events.add(new SiteEvent("environment-deleting", c.name(), null, "stopping its instances", c.tenant()));
        }
        return null;
    }

    private Object forgetEnvironment(ForgetEnvironment c, List<SiteEvent> events) {
        String key = SiteState.environmentKey(c.tenant(), c.name());
        HomedEnvironment forgotten = state.environments().remove(key);
        if (forgotten != null) {
            if (forgotten.deleting()) {
                state.deletedHere().put(key, new SiteState.Deleted(forgotten.homeEpoch(), forgotten.createdAt()));
                if (state.deletedHere().size() > SiteState.MAX_DELETED_KEPT) {
                    // The oldest incarnation goes first: its stray replicas had the longest to show up.
                    state.deletedHere().entrySet().stream()
                            .min(java.util.Comparator.comparing((java.util.Map.Entry<String, SiteState.Deleted> e) ->
                                            e.getValue().createdAt())
                                    .thenComparing(java.util.Map.Entry::getKey))
                            .ifPresent(e -> state.deletedHere().remove(e.getKey()));
                }
            }
            SiteState.ofEnvironment(state.placements(), key).clear();
            SiteState.ofEnvironment(state.unplaceable(), key).clear();
            SiteState.ofEnvironment(state.moves(), key).clear();
            events.add(new SiteEvent("environment-deleted", c.name(), null, "all instances stopped", c.tenant()));
        }
        return null;
    }

    private Object recordPlacement(RecordPlacement c) {
        state.placements()
                .put(
                        c.id().key(),
                        new ReplicaPlacement(c.id(), c.site(), c.generation(), c.templateVersion(), c.networks()));
        state.unplaceable().remove(c.id().key());
        return null;
    }

    private Object recordUnplaceable(RecordUnplaceable c, List<SiteEvent> events) {
        Unplaceable previous = state.unplaceable().get(c.id().key());
        state.unplaceable()
                .put(
                        c.id().key(),
                        previous == null
                                ? new Unplaceable(c.id(), c.reason(), c.at())
                                : previous.failedAgain(c.reason(), c.at()));
        if (previous == null || !previous.reason().equals(c.reason())) {
            events.add(new SiteEvent(
                    "instance-unplaceable", c.id().environment(), c.id().display(), c.reason(), c.id().tenant()));
        }
        return null;
    }

    private Object reserve(ReserveInstance c, List<SiteEvent> events) {
        NodeInfo node = state.nodes().get(c.node());
        if (node == null) return new Reservation.Refused("node " + c.node() + " is not part of this site");
        String environment = SiteState.environmentKey(c.id().tenant(), c.id().environment());
        HomeClaim claim = c.claim() != null ? c.claim() : new HomeClaim(c.homeSite(), 1, java.time.Instant.EPOCH);
        HomeClaim standing = state.homeClaims().get(environment);
        if (standing != null && standing.outranks(claim)) {
            return new Reservation.Refused(
                    "environment " + c.id().environment() + " is homed at " + standing.describe() + ", not at "
                            + claim.describe(),
                    dev.atoll.control.metrics.OfferOutcome.NOT_HOME);
        }
        PlacedInstance current = state.instances().get(c.id().key());
        if (current != null && current.generation() >= c.generation()) {
            // A replayed or stale offer: the newer copy stays.
            return current.generation() == c.generation()
                    ? new Reservation.Reserved(current.node())
                    : new Reservation.Refused(
                            "a newer generation " + current.generation() + " is already placed",
                            dev.atoll.control.metrics.OfferOutcome.SUPERSEDED);
        }
        var onNode = loads.getOrDefault(c.node(), SiteState.NodeLoad.NONE);
        Resources allocated = onNode.allocated();
        int count = onNode.instances();
        // A move keeps the older copy running (and taking its room) until the switch.
        boolean keep = c.keepPrevious() && current != null;
        if (keep && current.node().equals(c.node())) {
            return new Reservation.Refused("replica " + c.id().display() + " already runs on node " + c.node());
        }
        if (current != null && current.node().equals(c.node())) {
            allocated = allocated.minusClamped(current.service().resources());
            count--;
        }
        if (!allocated.plus(c.service().resources()).fitsIn(node.capacity()) || count + 1 > node.instanceSlots()) {
            return new Reservation.Refused(
                    "node " + c.node() + " no longer has room for "
                            + c.service().resources(),
                    dev.atoll.control.metrics.OfferOutcome.NO_ROOM);
        }
        state.homeClaims().put(environment, HomeClaim.stronger(standing, claim));
        var placed = new PlacedInstance(
                c.id(),
                c.generation(),
                c.service(),
                c.node(),
                c.homeSite(),
                c.at(),
                InstanceState.PENDING,
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                0,
                "waiting for node " + c.node(),
                c.networks(),
                c.migration());
        PlacedInstance replaced = state.instances().put(c.id().key(), placed);
        if (replaced != null && keep) {
            PlacedInstance older = state.departing().put(c.id().key(), replaced);
            if (older != null) load(older, false);
        } else if (replaced != null) {
            load(replaced, false);
        }
        load(placed, true);
        events.add(new SiteEvent(
                "instance-placed",
                c.id().environment(),
                c.id().display(),
                "generation " + c.generation() + " on node " + c.node(),
                c.id().tenant()));
        return new Reservation.Reserved(c.node());
    }

    private Object release(ReleaseInstance c, List<SiteEvent> events) {
        if (c.by() != null) {
            HomeClaim standing =
                    state.homeClaims().get(SiteState.environmentKey(c.id().tenant(), c.id().environment()));
            // A home that was superseded must not stop what the new home counts on.
            if (standing != null && standing.outranks(c.by())) return null;
        }
        PlacedInstance leaving = state.departing().get(c.id().key());
        PlacedInstance newer = state.instances().get(c.id().key());
        if (leaving != null
                && leaving.generation() <= c.generation()
                && (newer == null || newer.generation() > c.generation())) {
            // The older copy of a move between this site's nodes: its new copy stays.
            state.departing().remove(c.id().key());
            load(leaving, false);
            events.add(new SiteEvent(
                    "instance-released",
                    c.id().environment(),
                    c.id().display(),
                    "stopping generation " + leaving.generation() + " on node " + leaving.node(),
                    c.id().tenant()));
        }
        PlacedInstance current = state.instances().get(c.id().key());
        if (current != null && current.generation() <= c.generation()) {
            state.instances().remove(c.id().key());
            load(current, false);
            events.add(new SiteEvent(
                    "instance-released",
                    c.id().environment(),
                    c.id().display(),
                    "stopping on node " + current.node(),
                    c.id().tenant()));
            PlacedInstance kept = state.departing().remove(c.id().key());
            if (kept != null) {
                // The new copy of a failed move went; the copy it was to replace is the replica again.
                state.instances().put(c.id().key(), kept);
            }
        }
        return null;
    }

    private Object markNodeDown(MarkNodeDown c, List<SiteEvent> events) {
        if (!state.nodes().containsKey(c.node()) || !state.downNodes().add(c.node())) return null;
        int lost = 0;
        for (PlacedInstance d : List.copyOf(state.departing().values())) {
            if (!d.node().equals(c.node())) continue;
            // The departing copy of a move is lost with its node: the new copy is all there is.
            state.departing().remove(d.id().key());
            load(d, false);
        }
        for (PlacedInstance i : List.copyOf(state.instances().values())) {
            if (!i.node().equals(c.node())) continue;
            lost++;
            state.instances()
                    .put(
                            i.id().key(),
                            i.observed(
                                    InstanceState.FAILED,
                                    i.ports(),
                                    i.pid(),
                                    i.startedAt(),
                                    i.restarts(),
                                    "node " + c.node() + " is down; waiting to be placed again"));
        }
        events.add(new SiteEvent(
                "node-down",
                null,
                null,
                "node " + c.node() + " is down (" + c.reason() + "); " + lost + " replica(s) to place again"));
        return null;
    }

    private Object report(ReportInstance c, List<SiteEvent> events) {
        var r = c.report();
        PlacedInstance current = state.instances().get(r.id().key());
        PlacedInstance leaving = state.departing().get(r.id().key());
        if (leaving != null
                && leaving.generation() == r.generation()
                && (current == null || current.generation() != r.generation())) {
            if (!state.downNodes().contains(leaving.node()))
                state.departing()
                        .put(
                                r.id().key(),
                                leaving.observed(
                                        r.state(), r.ports(), r.pid(), r.startedAt(), r.restarts(), r.message()));
            return null;
        }
        if (current == null || current.generation() != r.generation()) return null;
        // A node declared down speaks for nothing until it is marked up again.
        if (state.downNodes().contains(current.node())) return null;
        PlacedInstance updated =
                current.observed(r.state(), r.ports(), r.pid(), r.startedAt(), r.restarts(), r.message());
        if (updated.equals(current)) return null;
        state.instances().put(r.id().key(), updated);
        if (current.state() != r.state()) {
            events.add(new SiteEvent(
                    "instance-" + r.state().wireName(),
                    r.id().environment(),
                    r.id().display(),
                    r.message() == null || r.message().isEmpty() ? "on node " + current.node() : r.message(),
                    r.id().tenant()));
        }
        return null;
    }

    // --- home claims and buddies -----------------------------------------------------------

    private HomeClaim homedClaim(String key, String homeSite) {
        HomedEnvironment homed = state.environments().get(key);
        return homed == null ? null : homed.claimAs(homeSite);
    }

    private Object claimHome(ClaimHome c, List<SiteEvent> events) {
        String key = SiteState.environmentKey(c.tenant(), c.name());
        HomeClaim standing = HomeClaim.stronger(state.homeClaims().get(key), homedClaim(key, c.thisSite()));
        if (standing != null && standing.outranks(c.claim())) {
            state.homeClaims().put(key, standing);
            return standing;
        }
        state.homeClaims().put(key, c.claim());
        HomedEnvironment homed = state.environments().get(key);
        if (homed != null && !c.claim().homeSite().equals(c.thisSite())) {
            forgetHomed(key);
            events.add(new SiteEvent(
                    "environment-superseded",
                    c.name(),
                    null,
                    "homed at " + c.claim().describe() + " now; its replicas are that site's to keep or stop",
                    c.tenant()));
        }
        EnvironmentCopy copy = state.copies().get(key);
        if (copy != null && c.claim().outranks(copy.claim())) state.copies().remove(key);
        return c.claim();
    }

    private void forgetHomed(String key) {
        state.environments().remove(key);
        SiteState.ofEnvironment(state.placements(), key).clear();
        SiteState.ofEnvironment(state.unplaceable(), key).clear();
        SiteState.ofEnvironment(state.moves(), key).clear();
    }

    private Object storeCopy(StoreCopy c) {
        EnvironmentCopy copy = c.copy();
        String key = copy.key();
        HomeClaim standing = state.homeClaims().get(key);
        if (standing != null && standing.outranks(copy.claim())) return standing;
        EnvironmentCopy existing = state.copies().get(key);
        boolean newer = existing == null
                || copy.claim().outranks(existing.claim())
                || (copy.claim().equals(existing.claim()) && copy.stamp() >= existing.stamp());
        if (newer) state.copies().put(key, copy);
        return HomeClaim.stronger(standing, state.copies().get(key).claim());
    }

    private Object forgetCopy(ForgetCopy c) {
        String key = SiteState.environmentKey(c.tenant(), c.name());
        EnvironmentCopy existing = state.copies().get(key);
        if (existing != null && !existing.claim().outranks(c.claim()))
            state.copies().remove(key);
        return null;
    }

    private Object adopt(AdoptEnvironment c, List<SiteEvent> events) {
        String key = SiteState.environmentKey(c.tenant(), c.name());
        EnvironmentCopy copy = state.copies().get(key);
        if (copy == null) return new Applied.NotFound("copy of environment " + c.name());
        if (state.environments().containsKey(key)) return homedClaim(key, c.adopter());
        HomeClaim standing = state.homeClaims().get(key);
        long epoch = copy.environment().homeEpoch() + 1;
        if (standing != null && standing.createdAt().equals(copy.environment().createdAt())) {
            epoch = Math.max(epoch, standing.homeEpoch() + 1);
        }
        HomedEnvironment was = copy.environment();
        HomedEnvironment adopted = new HomedEnvironment(
                was.spec(), was.version(), was.templateVersions(), was.createdAt(), c.at(), was.deleting(), epoch);
        state.environments().put(key, adopted);
        state.placements().putAll(copy.placements());
        state.unplaceable().putAll(copy.unplaceable());
        state.copies().remove(key);
        HomeClaim claim = adopted.claimAs(c.adopter());
        state.homeClaims().put(key, claim);
        events.add(new SiteEvent(
                "environment-adopted",
                c.name(),
                null,
                "its home site " + copy.homeSite() + " is dead; " + claim.describe() + " homes it now",
                c.tenant()));
        return claim;
    }

    // --- moves ---------------------------------------------------------------------------------

    private Object startMove(StartMove c, List<SiteEvent> events) {
        var move = c.move();
        var id = move.id();
        String key = id.key();
        HomedEnvironment env = state.environments().get(environmentOf(id));
        if (env == null || env.deleting()) {
            return new Applied.MoveRefused(
                    "environment " + id.environment() + " is not homed here, or is being deleted");
        }
        ReplicaPlacement p = state.placements().get(key);
        if (p == null) return new Applied.MoveRefused("instance " + id.display() + " is not placed now");
        if (!p.site().equals(move.from().site()) || p.generation() != c.fromGeneration()) {
            return new Applied.MoveRefused("instance " + id.display() + " runs at site " + p.site() + " generation "
                    + p.generation() + " now, not where the move starts");
        }
        if (state.moves().containsKey(key)) {
            return new Applied.MoveRefused("instance " + id.display() + " is already moving to "
                    + describe(state.moves().get(key).move().to()));
        }
        state.moves()
                .put(
                        key,
                        new SiteState.MoveUnderWay(
                                move,
                                c.fromGeneration(),
                                c.fromGeneration() + 1,
                                c.at(),
                                SiteState.MoveUnderWay.Phase.PLACING,
                                null,
                                List.of(),
                                c.retarget(),
                                null));
        events.add(new SiteEvent(
                "move-started",
                id.environment(),
                id.display(),
                "from " + describe(move.from()) + " to " + describe(move.to()) + ": " + move.reason(),
                id.tenant()));
        return null;
    }

    private static String describe(dev.atoll.placement.Assignment a) {
        return a.node() == null ? "site " + a.site() : a.site() + "/" + a.node();
    }

    private Object movePlaced(MovePlaced c, List<SiteEvent> events) {
        var under = state.moves().get(c.id().key());
        if (under == null || under.toGeneration() != c.toGeneration()) return null;
        state.moves()
                .put(
                        c.id().key(),
                        new SiteState.MoveUnderWay(
                                under.move(),
                                under.fromGeneration(),
                                under.toGeneration(),
                                under.startedAt(),
                                SiteState.MoveUnderWay.Phase.STARTING,
                                c.site(),
                                c.networks(),
                                under.retarget(),
                                c.migrateTo()));
        events.add(new SiteEvent(
                "move-placed",
                c.id().environment(),
                c.id().display(),
                "new instance (generation " + c.toGeneration() + ") placed at site " + c.site()
                        + "; the original keeps running until it is healthy",
                c.id().tenant()));
        return null;
    }

    private Object switchMove(SwitchMove c, List<SiteEvent> events) {
        var under = state.moves().get(c.id().key());
        if (under == null
                || under.toGeneration() != c.toGeneration()
                || under.phase() != SiteState.MoveUnderWay.Phase.STARTING) return null;
        ReplicaPlacement old = state.placements().get(c.id().key());
        if (old == null) return null;
        state.placements()
                .put(
                        c.id().key(),
                        new ReplicaPlacement(
                                c.id(),
                                under.placedAt(),
                                under.toGeneration(),
                                old.templateVersion(),
                                under.networks()));
        state.moves()
                .put(
                        c.id().key(),
                        new SiteState.MoveUnderWay(
                                under.move(),
                                under.fromGeneration(),
                                under.toGeneration(),
                                under.startedAt(),
                                SiteState.MoveUnderWay.Phase.SWITCHED,
                                under.placedAt(),
                                under.networks(),
                                under.retarget(),
                                under.migrateTo()));
        events.add(new SiteEvent(
                "move-switched",
                c.id().environment(),
                c.id().display(),
                "new instance healthy at site " + under.placedAt() + "; switched to it, stopping the original at "
                        + describe(under.move().from()),
                c.id().tenant()));
        return null;
    }

    private Object endMove(EndMove c, List<SiteEvent> events) {
        var under = state.moves().get(c.id().key());
        if (under == null || under.toGeneration() != c.toGeneration()) return null;
        state.moves().remove(c.id().key());
        events.add(
                c.succeeded()
                        ? new SiteEvent(
                                "move-completed",
                                c.id().environment(),
                                c.id().display(),
                                "old instance stopped; " + c.id().display() + " runs at site " + under.placedAt(),
                                c.id().tenant())
                        : new SiteEvent(
                                "move-failed",
                                c.id().environment(),
                                c.id().display(),
                                "move failed: " + c.reason() + "; original kept at "
                                        + describe(under.move().from()),
                                c.id().tenant()));
        return null;
    }

    private Object drainNode(DrainNode c, List<SiteEvent> events) {
        if (!state.nodes().containsKey(c.node())) return new Applied.NotFound("node " + c.node());
        boolean changed = c.draining()
                ? state.drainingNodes().add(c.node())
                : state.drainingNodes().remove(c.node());
        changedNodes.add(c.node());
        if (changed) {
            int replicas = 0;
            for (PlacedInstance i : state.instances().values()) if (i.node().equals(c.node())) replicas++;
            events.add(new SiteEvent(
                    c.draining() ? "node-draining" : "node-undrained",
                    null,
                    null,
                    c.draining()
                            ? "node " + c.node() + " takes no new replicas; moving its " + replicas + " replica(s) off"
                            : "node " + c.node() + " takes replicas again"));
        }
        return null;
    }

    private Object migrateOut(MigrateOut c, List<SiteEvent> events) {
        if (c.by() != null) {
            HomeClaim standing =
                    state.homeClaims().get(SiteState.environmentKey(c.id().tenant(), c.id().environment()));
            if (standing != null && standing.outranks(c.by())) return null;
        }
        // Within one site the original is the departing copy, beside its new one.
        boolean departing = state.departing().containsKey(c.id().key());
        PlacedInstance current = departing
                ? state.departing().get(c.id().key())
                : state.instances().get(c.id().key());
        if (current == null
                || current.generation() != c.generation()
                || c.migration().equals(current.migration())) return null;
        (departing ? state.departing() : state.instances()).put(c.id().key(), current.migrating(c.migration()));
        changedNodes.add(current.node());
        events.add(new SiteEvent(
                "instance-migrating",
                c.id().environment(),
                c.id().display(),
                "sending its memory from node " + current.node() + " to "
                        + c.migration().endpoint() + " while it runs",
                c.id().tenant()));
        return null;
    }
}
