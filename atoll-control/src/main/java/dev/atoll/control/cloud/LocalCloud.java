package dev.atoll.control.cloud;

import dev.atoll.control.site.Applied;
import dev.atoll.control.site.SiteCommand;
import dev.atoll.control.site.SiteController;
import dev.atoll.control.site.SiteState;
import dev.atoll.control.site.SiteState.HomedEnvironment;
import dev.atoll.control.site.SiteState.PlacedInstance;
import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.view.CloudEvent;
import dev.atoll.model.view.DeployOutcome;
import dev.atoll.model.view.EnvironmentView;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The cloud as a user sees it when every site runs in this process (`atoll dev`): reads gather the
 * state of all sites; changes go to the environment's home site, and new environments are homed at
 * the entry site (the one the user talks to).
 */
public final class LocalCloud implements CloudApi {
    private static final long COMMIT_TIMEOUT_SECONDS = 15;

    private final Map<String, SiteController> sites = new LinkedHashMap<>();
    private final String entrySite;
    private final EventLog events;
    private final Clock clock;

    private final java.util.function.Supplier<java.util.Set<String>> deadSites;

    public LocalCloud(List<SiteController> sites, String entrySite, EventLog events, Clock clock) {
        this(sites, entrySite, events, clock, java.util.Set::of);
    }

    /** @param deadSites the sites the others cannot reach now (a crash or a partition) */
    public LocalCloud(
            List<SiteController> sites,
            String entrySite,
            EventLog events,
            Clock clock,
            java.util.function.Supplier<java.util.Set<String>> deadSites) {
        this.deadSites = deadSites;
        sites.forEach(s -> this.sites.put(s.site().name(), s));
        if (!this.sites.containsKey(entrySite)) throw new IllegalArgumentException("unknown entry site " + entrySite);
        this.entrySite = entrySite;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public List<SiteView> sites() {
        List<SiteView> views = new ArrayList<>();
        for (SiteController s : sites.values()) {
            var info = s.site();
            views.add(s.read(state -> {
                Resources capacity = Resources.ZERO;
                Resources allocated = Resources.ZERO;
                for (NodeInfo n : state.nodes().values()) {
                    capacity = capacity.plus(n.capacity());
                    allocated = allocated.plus(state.allocatedOn(n.name()));
                }
                return new SiteView(
                        info.name(),
                        info.country(),
                        info.jurisdiction(),
                        info.location().lat(),
                        info.location().lon(),
                        info.tags(),
                        deadSites.get().contains(info.name()) ? "unreachable" : "healthy",
                        s.raft().leaderId().orElse(""),
                        s.raft().memberIds(),
                        state.nodes().size(),
                        state.instances().size(),
                        capacity,
                        allocated);
            }));
        }
        return views;
    }

    @Override
    public List<NodeView> nodes() {
        List<NodeView> views = new ArrayList<>();
        for (SiteController s : sites.values()) {
            views.addAll(s.read(state -> state.nodes().values().stream()
                    .map(n -> new NodeView(
                            n.site(),
                            n.name(),
                            state.downNodes().contains(n.name())
                                    ? "down"
                                    : switch (s.health(n.name())) {
                                        case ALIVE -> "ready";
                                        case SUSPECT -> "suspect";
                                        case DOWN -> "down";
                                    },
                            n.capacity(),
                            state.allocatedOn(n.name()),
                            n.instanceSlots(),
                            state.instancesOn(n.name()),
                            n.drivers(),
                            n.tags()))
                    .toList()));
        }
        return views;
    }

    @Override
    public List<EnvironmentView> environments(String tenant) {
        var placed = placedBySite();
        List<EnvironmentView> views = new ArrayList<>();
        for (SiteController s : sites.values()) {
            for (HomeRecord home : homedAt(s)) {
                if (home.environment().spec().tenant().equals(tenant)) views.add(view(home, placed));
            }
        }
        views.sort(Comparator.comparing(EnvironmentView::name));
        return views;
    }

    @Override
    public Optional<EnvironmentView> environment(String tenant, String name) {
        return findHome(tenant, name).map(home -> view(home, placedBySite()));
    }

    @Override
    public DeployOutcome create(EnvironmentSpec spec) {
        if (findHome(spec.tenant(), spec.name()).isPresent()) {
            return new DeployOutcome.Conflict(
                    "environment " + spec.name() + " already exists; use PUT (or atoll deploy) to update it");
        }
        return put(sites.get(entrySite), spec);
    }

    @Override
    public DeployOutcome update(EnvironmentSpec spec) {
        var home = findHome(spec.tenant(), spec.name());
        if (home.isEmpty()) return new DeployOutcome.NotFound("environment " + spec.name() + " does not exist");
        if (home.get().environment().deleting()) {
            return new DeployOutcome.Conflict(
                    "environment " + spec.name() + " is being deleted; try again when it is gone");
        }
        return put(home.get().site(), spec);
    }

    private DeployOutcome put(SiteController home, EnvironmentSpec spec) {
        // Acknowledged once committed at the home and copied to a buddy site (SiteController says how).
        Applied applied;
        try {
            applied = await(home.putEnvironment(spec, clock.instant()));
        } catch (IllegalStateException e) {
            // Committed but without a buddy's copy: say that, not that the log failed.
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof SiteController.NoBuddyException noBuddy) {
                    throw new IllegalStateException(noBuddy.getMessage(), noBuddy);
                }
            }
            throw e;
        }
        var changed = (Applied.EnvironmentChanged) applied.response();
        EnvironmentView view = environment(spec.tenant(), spec.name()).orElseThrow();
        return switch (changed.outcome()) {
            case CREATED -> new DeployOutcome.Created(view);
            case UPDATED -> new DeployOutcome.Updated(view, changed.changedServices());
            case UNCHANGED -> new DeployOutcome.Unchanged(view);
        };
    }

    @Override
    public DeployOutcome scale(String tenant, String environment, String service, int replicas) {
        var home = findHome(tenant, environment);
        if (home.isEmpty()) return new DeployOutcome.NotFound("environment " + environment + " does not exist");
        EnvironmentSpec spec = home.get().environment().spec();
        if (!spec.services().containsKey(service)) {
            return new DeployOutcome.NotFound("environment " + environment + " has no service " + service
                    + " (services: " + String.join(", ", spec.services().keySet()) + ")");
        }
        if (replicas < 0 || replicas > 1000) {
            return new DeployOutcome.Rejected(List.of(new FieldError("replicas", "must be between 0 and 1000")));
        }
        return update(spec.withReplicas(service, replicas));
    }

    @Override
    public DeployOutcome delete(String tenant, String environment) {
        var home = findHome(tenant, environment);
        if (home.isEmpty()) return new DeployOutcome.NotFound("environment " + environment + " does not exist");
        EnvironmentView before = view(home.get(), placedBySite());
        await(home.get().site().submit(new SiteCommand.DeleteEnvironment(tenant, environment, clock.instant())));
        // An environment with nothing to stop may be forgotten before we look again.
        return new DeployOutcome.Updated(environment(tenant, environment).orElse(before), List.of());
    }

    @Override
    public List<InstanceView> instances(String tenant, String environment, String site) {
        List<InstanceView> views = new ArrayList<>();
        Map<String, Map<String, PlacedInstance>> placed = placedBySite();
        for (SiteController s : sites.values()) {
            for (HomeRecord home : homedAt(s)) {
                var spec = home.environment().spec();
                if (!spec.tenant().equals(tenant)) continue;
                if (environment != null
                        && !environment.isEmpty()
                        && !spec.name().equals(environment)) continue;
                for (InstanceView v : instancesOf(home, placed)) {
                    if (site == null || site.isEmpty() || site.equals(v.site())) views.add(v);
                }
            }
        }
        views.sort(Comparator.comparing(InstanceView::environment)
                .thenComparing(InstanceView::service)
                .thenComparing(InstanceView::id, Comparator.comparingInt(LocalCloud::indexOf)));
        return views;
    }

    private static int indexOf(String displayId) {
        return Integer.parseInt(displayId.substring(displayId.lastIndexOf('.') + 1));
    }

    @Override
    public Optional<InputStream> openLog(String tenant, String instanceId, long fromOffset) throws IOException {
        for (SiteController s : sites.values()) {
            Optional<PlacedInstance> found = s.read(state -> state.instances().values().stream()
                    .filter(i ->
                            i.id().tenant().equals(tenant) && i.id().display().equals(instanceId))
                    .findFirst());
            if (found.isPresent() && s.agent(found.get().node()) != null) {
                return Optional.of(
                        s.agent(found.get().node()).openLog(found.get().id(), fromOffset));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<CloudEvent> recentEvents(int max) {
        return events.recent(max);
    }

    @Override
    public AutoCloseable subscribe(Consumer<CloudEvent> listener) {
        return events.subscribe(listener);
    }

    // --- views -------------------------------------------------------------------------------

    private record HomeRecord(
            SiteController site,
            HomedEnvironment environment,
            Map<String, SiteState.ReplicaPlacement> placements,
            Map<String, SiteState.Unplaceable> unplaceable) {}

    private List<HomeRecord> homedAt(SiteController s) {
        List<HomeRecord> homed = s.read(state -> state.environments().values().stream()
                .map(env -> new HomeRecord(
                        s, env, Map.copyOf(state.placementsOf(env)), Map.copyOf(state.unplaceableOf(env))))
                .toList());
        return homed.stream().filter(this::isCurrentHome).toList();
    }

    /**
     * After a buddy adopted an environment, its old home (cut off, or crashed) still holds it until
     * it learns it was superseded: the reachable home with the highest home epoch is the one.
     */
    private boolean isCurrentHome(HomeRecord candidate) {
        var dead = deadSites.get();
        String key = candidate.environment().key();
        Comparator<Map.Entry<String, HomedEnvironment>> rank = Comparator.comparing(
                        (Map.Entry<String, HomedEnvironment> h) -> !dead.contains(h.getKey()))
                .thenComparingLong(h -> h.getValue().homeEpoch())
                .thenComparing(Map.Entry::getKey);
        var mine = Map.entry(candidate.site().site().name(), candidate.environment());
        for (SiteController other : sites.values()) {
            if (other == candidate.site()) continue;
            Optional<HomedEnvironment> rival =
                    other.read(state -> Optional.ofNullable(state.environments().get(key)));
            if (rival.isPresent() && rank.compare(Map.entry(other.site().name(), rival.get()), mine) > 0) return false;
        }
        return true;
    }

    private Optional<HomeRecord> findHome(String tenant, String name) {
        for (SiteController s : sites.values()) {
            for (HomeRecord home : homedAt(s)) {
                var spec = home.environment().spec();
                if (spec.tenant().equals(tenant) && spec.name().equals(name)) return Optional.of(home);
            }
        }
        return Optional.empty();
    }

    /** Every site's replicas, by site and instance key: after a re-placement two sites may hold one key. */
    private Map<String, Map<String, PlacedInstance>> placedBySite() {
        Map<String, Map<String, PlacedInstance>> placed = new HashMap<>();
        for (SiteController s : sites.values()) {
            placed.put(s.site().name(), s.read(state -> Map.copyOf(state.instances())));
        }
        return placed;
    }

    private List<InstanceView> instancesOf(HomeRecord home, Map<String, Map<String, PlacedInstance>> placed) {
        List<InstanceView> views = new ArrayList<>();
        var spec = home.environment().spec();
        var dead = deadSites.get();
        for (var placement : home.placements().values()) {
            PlacedInstance i = placed.getOrDefault(placement.site(), Map.of())
                    .get(placement.id().key());
            var unplaceable = home.unplaceable().get(placement.id().key());
            if (dead.contains(placement.site())) {
                views.add(
                        unplaceable != null
                                ? new InstanceView(
                                        placement.id().display(),
                                        placement.id().tenant(),
                                        placement.id().environment(),
                                        placement.id().service(),
                                        "",
                                        "",
                                        InstanceState.UNPLACEABLE,
                                        placement.generation(),
                                        Map.of(),
                                        Optional.empty(),
                                        Optional.empty(),
                                        0,
                                        "site " + placement.site() + " is unreachable; " + unplaceable.reason())
                                : pendingView(
                                        placement.id(),
                                        placement.site(),
                                        placement.generation(),
                                        "site " + placement.site() + " is unreachable; placing it again"));
            } else if (i != null && i.generation() == placement.generation()) {
                views.add(new InstanceView(
                        i.id().display(),
                        i.id().tenant(),
                        i.id().environment(),
                        i.id().service(),
                        placement.site(),
                        i.node(),
                        i.state(),
                        i.generation(),
                        i.ports(),
                        i.pid(),
                        i.startedAt(),
                        i.restarts(),
                        i.message() == null ? "" : i.message()));
            } else {
                views.add(pendingView(
                        placement.id(),
                        placement.site(),
                        placement.generation(),
                        "offered to site " + placement.site()));
            }
        }
        for (var u : home.unplaceable().values()) {
            if (!home.placements().containsKey(u.id().key())) {
                views.add(new InstanceView(
                        u.id().display(),
                        u.id().tenant(),
                        u.id().environment(),
                        u.id().service(),
                        "",
                        "",
                        InstanceState.UNPLACEABLE,
                        0,
                        Map.of(),
                        Optional.empty(),
                        Optional.empty(),
                        0,
                        u.reason()));
            }
        }
        if (!home.environment().deleting()) {
            for (ServiceSpec service : spec.services().values()) {
                for (int index = 0; index < service.replicas(); index++) {
                    var id = new InstanceId(spec.tenant(), spec.name(), service.name(), index);
                    if (!home.placements().containsKey(id.key())
                            && !home.unplaceable().containsKey(id.key())) {
                        views.add(pendingView(id, "", 0, "looking for a site"));
                    }
                }
            }
        }
        return views;
    }

    private static InstanceView pendingView(InstanceId id, String site, long generation, String message) {
        return new InstanceView(
                id.display(),
                id.tenant(),
                id.environment(),
                id.service(),
                site,
                "",
                InstanceState.PENDING,
                generation,
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                0,
                message);
    }

    private EnvironmentView view(HomeRecord home, Map<String, Map<String, PlacedInstance>> placed) {
        HomedEnvironment env = home.environment();
        List<EnvironmentView.ServiceStatus> services = new ArrayList<>();
        boolean ready = !env.deleting();
        boolean degraded = false;
        boolean unplaceable = false;
        for (ServiceSpec service : env.spec().services().values()) {
            long template = env.templateVersions().getOrDefault(service.name(), env.version());
            int running = 0;
            int updated = 0;
            int extra = 0;
            List<String> problems = new ArrayList<>();
            for (var p : home.placements().values()) {
                if (!p.id().service().equals(service.name())) continue;
                if (p.id().index() >= service.replicas()) {
                    extra++;
                    continue;
                }
                PlacedInstance i = placed.getOrDefault(p.site(), Map.of()).get(p.id().key());
                boolean current = p.templateVersion() == template;
                if (current) updated++;
                if (i != null && i.generation() == p.generation() && i.state() == InstanceState.RUNNING && current)
                    running++;
                if (i != null && (i.state() == InstanceState.CRASH_LOOPING || i.state() == InstanceState.FAILED)) {
                    degraded = true;
                    problems.add(i.id().display() + " " + i.state().wireName() + ": " + i.message());
                }
            }
            for (var u : home.unplaceable().values()) {
                if (u.id().service().equals(service.name())
                        && !home.placements().containsKey(u.id().key())) {
                    unplaceable = true;
                    problems.add(u.id().display() + " unplaceable: " + u.reason());
                }
            }
            if (running != service.replicas() || updated != service.replicas() || extra > 0) ready = false;
            services.add(new EnvironmentView.ServiceStatus(
                    service.name(),
                    service.replicas(),
                    running,
                    updated,
                    problems.stream()
                            .distinct()
                            .limit(3)
                            .reduce((a, b) -> a + "; " + b)
                            .orElse("")));
        }
        String status = env.deleting()
                ? "deleting"
                : ready ? "ready" : unplaceable ? "unplaceable" : degraded ? "degraded" : "deploying";
        return new EnvironmentView(
                env.spec().name(),
                env.spec().tenant(),
                home.site().site().name(),
                env.version(),
                status,
                env.createdAt(),
                env.updatedAt(),
                services,
                env.spec());
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(COMMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the site's log", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the site's log did not commit the change: " + e.getMessage(), e);
        }
    }
}
