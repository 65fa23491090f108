package dev.atoll.control.cloud;

import dev.atoll.control.auth.AuthRecords;
import dev.atoll.control.federation.ReplicaStatus;
import dev.atoll.control.site.Applied;
import dev.atoll.control.site.SiteCommand;
import dev.atoll.control.site.SiteController;
import dev.atoll.control.site.SiteState;
import dev.atoll.control.site.SiteState.PlacedInstance;
import dev.atoll.model.Resources;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.model.auth.AuditEntry;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.view.EnvironmentView;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The share of a site whose controller runs in this process. A home shows its environments from its
 * own state only: its placements and unplaceable records, the replicas it runs itself, and what it
 * last observed of the others through the federation (refreshed on every reconcile tick). So it
 * answers the same whether the other sites are in this process or not.
 */
public final class LocalSiteShare implements SiteShare {
    static final Comparator<InstanceView> INSTANCE_ORDER = Comparator.comparing(InstanceView::environment)
            .thenComparing(InstanceView::service)
            .thenComparing(InstanceView::id, Comparator.comparingInt(LocalSiteShare::indexOf));

    /** Reads wait for the site's leader, which may take an election: never on the caller's thread. */
    private static final Executor READS =
            r -> Thread.ofVirtual().name("site-share-read").start(r);

    private final SiteController controller;
    private final Clock clock;

    /** @param clock stamps the commands this share submits (creation and deletion times) */
    public LocalSiteShare(SiteController controller, Clock clock) {
        this.controller = controller;
        this.clock = clock;
    }

    @Override
    public String site() {
        return controller.site().name();
    }

    @Override
    public CompletableFuture<SitePart> part() {
        return CompletableFuture.supplyAsync(this::snapshot, READS);
    }

    @Override
    public CompletableFuture<dev.atoll.model.view.PlacementPreview> previewPlacement(
            EnvironmentSpec spec, boolean exists, List<InstanceView> running) {
        return CompletableFuture.supplyAsync(() -> controller.previewPlacement(spec, exists, running), READS);
    }

    @Override
    public CompletableFuture<List<dev.atoll.model.view.SiteLink>> links() {
        return CompletableFuture.supplyAsync(controller::linksToOtherSites, READS);
    }

    @Override
    public CompletableFuture<PutResult> put(EnvironmentSpec spec) {
        // Acknowledged once committed here and copied to a buddy site (SiteController says how).
        CompletableFuture<Applied> put;
        try {
            put = controller.putEnvironment(spec, clock.instant());
        } catch (RuntimeException e) {
            put = CompletableFuture.failedFuture(e);
        }
        return put.thenApply(applied -> {
            var changed = (Applied.EnvironmentChanged) applied.response();
            return new PutResult(
                    switch (changed.outcome()) {
                        case CREATED -> PutResult.Outcome.CREATED;
                        case UPDATED -> PutResult.Outcome.UPDATED;
                        case UNCHANGED -> PutResult.Outcome.UNCHANGED;
                    },
                    changed.changedServices());
        });
    }

    @Override
    public CompletableFuture<dev.atoll.model.view.MoveOutcome> move(
            InstanceId id, String toSite, String toNode, String reason) {
        try {
            return controller.requestMove(id, new dev.atoll.placement.Assignment(toSite, toNode), reason, false);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Optional<dev.atoll.model.view.PlanView>> plan(int nearestSites) {
        return controller.plans().plan(nearestSites);
    }

    @Override
    public CompletableFuture<Optional<dev.atoll.model.view.PlanView>> applyPlan() {
        return controller.plans().apply();
    }

    @Override
    public CompletableFuture<dev.atoll.model.view.MoveOutcome> drain(String node, boolean draining) {
        try {
            return controller.drainNode(node, draining);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> delete(String tenant, String environment) {
        return submit(new SiteCommand.DeleteEnvironment(tenant, environment, clock.instant()))
                .thenApply(applied -> null);
    }

    private CompletableFuture<Applied> submit(SiteCommand command) {
        try {
            return controller.submit(command);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Optional<byte[]>> readLog(String tenant, String instanceId, long offset, int maxBytes) {
        return CompletableFuture.supplyAsync(
                () -> {
                    Optional<PlacedInstance> found = controller.read(state -> state.instances().values().stream()
                            .filter(i -> i.id().tenant().equals(tenant)
                                    && i.id().display().equals(instanceId))
                            .findFirst());
                    if (found.isEmpty()) return Optional.empty();
                    NodeAgentPort agent = controller.agent(found.get().node());
                    if (agent == null) return Optional.empty();
                    try (InputStream in = agent.openLog(found.get().id(), offset)) {
                        return Optional.of(in.readNBytes(maxBytes));
                    } catch (NoSuchFileException e) {
                        // Placed but not started yet: a log with nothing in it so far.
                        return Optional.of(new byte[0]);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                READS);
    }

    @Override
    public CompletableFuture<AuthRecords> auth() {
        return CompletableFuture.supplyAsync(
                () -> controller.read(state -> state.auth().copy()), READS);
    }

    @Override
    public CompletableFuture<Boolean> issueJoinToken(dev.atoll.control.join.JoinToken token) {
        return submit(new SiteCommand.IssueJoinToken(token)).thenApply(applied -> (Boolean) applied.response());
    }

    @Override
    public CompletableFuture<AuthRecords> mergeAuth(AuthRecords records) {
        return submit(new SiteCommand.MergeAuth(records)).thenApply(applied -> (AuthRecords) applied.response());
    }

    @Override
    public CompletableFuture<Void> recordAudit(AuditEntry entry) {
        return submit(new SiteCommand.RecordAudit(entry)).thenApply(applied -> null);
    }

    @Override
    public CompletableFuture<List<AuditEntry>> audit(String tenant, int max) {
        return CompletableFuture.supplyAsync(
                () -> controller.read(state -> {
                    List<AuditEntry> found = new ArrayList<>();
                    for (int i = state.audit().size() - 1; i >= 0 && found.size() < max; i--) {
                        AuditEntry e = state.audit().get(i);
                        if (tenant == null || tenant.equals(e.tenant())) found.add(e);
                    }
                    return List.copyOf(found.reversed());
                }),
                READS);
    }

    /** This site as it would show itself; also what others show, marked unreachable, when they cannot reach it. */
    public SiteView siteView() {
        return controller.read(this::siteView);
    }

    // --- views -------------------------------------------------------------------------------

    private SitePart snapshot() {
        String self = site();
        Set<String> dead = controller.deadSites();
        Map<String, Map<String, ReplicaStatus>> observed = new HashMap<>(controller.observedReplicas());
        // What this site runs for itself it knows exactly, without waiting for the next tick.
        observed.put(self, controller.replicasOf(self));
        return controller.read(state -> {
            List<HomedEnvironment> environments = new ArrayList<>();
            for (SiteState.HomedEnvironment env : state.environments().values()) {
                var home = new HomeRecord(env, state.placementsOf(env), state.unplaceableOf(env));
                List<InstanceView> instances = new ArrayList<>(instancesOf(home, observed, dead));
                instances.sort(INSTANCE_ORDER);
                environments.add(new HomedEnvironment(view(home, observed), instances, env.homeEpoch()));
            }
            return new SitePart(siteView(state), nodeViews(state), environments);
        });
    }

    private SiteView siteView(SiteState state) {
        var info = controller.site();
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
                "healthy",
                controller.raft().leaderId().orElse(""),
                controller.raft().memberIds(),
                state.nodes().size(),
                state.instances().size(),
                capacity,
                allocated);
    }

    private List<NodeView> nodeViews(SiteState state) {
        return state.nodes().values().stream()
                .map(n -> new NodeView(
                        n.site(),
                        n.name(),
                        state.downNodes().contains(n.name())
                                ? "down"
                                : switch (controller.health(n.name())) {
                                    case ALIVE -> state.drainingNodes().contains(n.name()) ? "draining" : "ready";
                                    case SUSPECT -> "suspect";
                                    case DOWN -> "down";
                                },
                        n.capacity(),
                        state.allocatedOn(n.name()),
                        n.instanceSlots(),
                        state.instancesOn(n.name()),
                        n.drivers(),
                        n.tags(),
                        n.driverDetails()))
                .toList();
    }

    private record HomeRecord(
            SiteState.HomedEnvironment environment,
            Map<String, SiteState.ReplicaPlacement> placements,
            Map<String, SiteState.Unplaceable> unplaceable) {}

    private static ReplicaStatus observedAt(
            Map<String, Map<String, ReplicaStatus>> observed, String site, InstanceId id) {
        return observed.getOrDefault(site, Map.of()).get(id.key());
    }

    private static List<InstanceView> instancesOf(
            HomeRecord home, Map<String, Map<String, ReplicaStatus>> observed, Set<String> dead) {
        List<InstanceView> views = new ArrayList<>();
        var spec = home.environment().spec();
        for (var placement : home.placements().values()) {
            ReplicaStatus i = observedAt(observed, placement.site(), placement.id());
            var unplaceable = home.unplaceable().get(placement.id().key());
            if (dead.contains(placement.site())) {
                views.add(
                        unplaceable != null
                                ? unplaceableView(
                                        placement.id(),
                                        placement.generation(),
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
                        i.message(),
                        addresses(placement)));
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
                views.add(unplaceableView(u.id(), 0, u.reason()));
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

    private static Map<String, String> addresses(SiteState.ReplicaPlacement placement) {
        Map<String, String> addresses = new java.util.TreeMap<>();
        for (var a : placement.networks()) addresses.put(a.network(), a.address());
        return addresses;
    }

    private static InstanceView unplaceableView(InstanceId id, long generation, String message) {
        return new InstanceView(
                id.display(),
                id.tenant(),
                id.environment(),
                id.service(),
                "",
                "",
                InstanceState.UNPLACEABLE,
                generation,
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                0,
                message);
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

    private EnvironmentView view(HomeRecord home, Map<String, Map<String, ReplicaStatus>> observed) {
        SiteState.HomedEnvironment env = home.environment();
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
                ReplicaStatus i = observedAt(observed, p.site(), p.id());
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
                site(),
                env.version(),
                status,
                env.createdAt(),
                env.updatedAt(),
                services,
                env.spec());
    }

    private static int indexOf(String displayId) {
        return Integer.parseInt(displayId.substring(displayId.lastIndexOf('.') + 1));
    }
}
