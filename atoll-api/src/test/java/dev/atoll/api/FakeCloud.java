package dev.atoll.api;

import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.view.CloudEvent;
import dev.atoll.model.view.DeployOutcome;
import dev.atoll.model.view.EnvironmentView;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An in-memory cloud that records every call that could change state. Rejects any driver but
 * process, like a cloud whose nodes only offer that one.
 */
final class FakeCloud implements CloudApi {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final Map<String, EnvironmentView> environments = new ConcurrentHashMap<>();
    private final List<String> changes = new CopyOnWriteArrayList<>();
    private final List<CloudEvent> events = new CopyOnWriteArrayList<>();
    private final List<Consumer<CloudEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, ByteArrayOutputStream> logs = new ConcurrentHashMap<>();
    private final Map<String, InstanceState> instanceStates = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    final AtomicInteger logOpens = new AtomicInteger();
    final AtomicInteger subscriptionsClosed = new AtomicInteger();
    volatile RuntimeException failure;

    private final dev.atoll.control.auth.AuthRecords auth = dev.atoll.control.auth.AuthRecords.empty();
    private final List<dev.atoll.model.auth.AuditEntry> audit = new CopyOnWriteArrayList<>();

    FakeCloud() {
        TestTokens.registerCloudAdmin(this);
    }

    @Override
    public synchronized dev.atoll.control.auth.AuthRecords authRecords() {
        return auth.copy();
    }

    /** When set, no site can say which tokens exist (as during a leader election everywhere). */
    volatile boolean authUnavailable;

    @Override
    public synchronized Optional<dev.atoll.control.auth.TokenRecord> token(String id) {
        if (authUnavailable) throw new dev.atoll.control.auth.AuthUnavailableException("no site answered; try again");
        return auth.token(id);
    }

    @Override
    public synchronized dev.atoll.control.auth.AuthRecords changeAuth(dev.atoll.control.auth.AuthRecords change) {
        return auth.merge(change);
    }

    @Override
    public void recordAudit(dev.atoll.model.auth.AuditEntry entry) {
        audit.add(entry);
    }

    @Override
    public List<dev.atoll.model.auth.AuditEntry> audit(String tenant, int max) {
        var of = audit.stream()
                .filter(e -> tenant == null || tenant.equals(e.tenant()))
                .toList();
        return List.copyOf(of.subList(Math.max(0, of.size() - max), of.size()));
    }

    /** Calls that change state, like "create default/shop", in order. */
    List<String> changes() {
        return List.copyOf(changes);
    }

    void reset() {
        environments.clear();
        changes.clear();
    }

    int listeners() {
        return listeners.size();
    }

    private final List<dev.atoll.model.view.NetworkView> networks = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A tenant network with members (a "given"). */
    FakeCloud withNetwork(dev.atoll.model.view.NetworkView network) {
        networks.add(network);
        return this;
    }

    @Override
    public List<dev.atoll.model.view.NetworkView> networks(String tenant) {
        return networks.stream().filter(n -> n.tenant().equals(tenant)).toList();
    }

    /** Puts an environment in place without recording a call (a "given"). */
    FakeCloud withEnvironment(EnvironmentSpec spec) {
        environments.put(key(spec.tenant(), spec.name()), view(spec, 1));
        return this;
    }

    /** Instances are running unless told otherwise here, by id such as shop.web.1. */
    FakeCloud withInstanceState(String instanceId, InstanceState state) {
        instanceStates.put(instanceId, state);
        return this;
    }

    FakeCloud withLog(String tenant, String instance, String text) {
        appendLog(tenant, instance, text);
        return this;
    }

    void appendLog(String tenant, String instance, String text) {
        var log = logs.computeIfAbsent(tenant + "/" + instance, k -> new ByteArrayOutputStream());
        synchronized (log) {
            log.writeBytes(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    CloudEvent publish(String type, String environment) {
        return publish(type, environment, null);
    }

    /** An event of {@code tenant}'s environment (null: of the cloud's machinery). */
    CloudEvent publish(String type, String environment, String tenant) {
        var event = new CloudEvent(
                seq.incrementAndGet(),
                T0.plusSeconds(seq.get()),
                type,
                "london",
                environment,
                null,
                type + " " + environment,
                tenant);
        events.add(event);
        listeners.forEach(l -> l.accept(event));
        return event;
    }

    @Override
    public List<SiteView> sites() {
        fail();
        var cap = new Resources(4000, 8L << 30);
        return List.of(
                new SiteView(
                        "london",
                        "GB",
                        "UK",
                        51.5,
                        -0.12,
                        Set.of(),
                        "healthy",
                        "london-c1",
                        List.of("london-c1"),
                        3,
                        0,
                        cap,
                        Resources.ZERO),
                new SiteView(
                        "frankfurt",
                        "DE",
                        "EU",
                        50.1,
                        8.68,
                        Set.of(),
                        "healthy",
                        "frankfurt-c1",
                        List.of("frankfurt-c1"),
                        3,
                        0,
                        cap,
                        Resources.ZERO));
    }

    @Override
    public List<NodeView> nodes() {
        fail();
        var cap = new Resources(4000, 8L << 30);
        return List.of(
                new NodeView("london", "london-n1", "ready", cap, Resources.ZERO, 100, 0, Set.of("process"), Set.of()),
                new NodeView(
                        "frankfurt",
                        "frankfurt-n1",
                        "ready",
                        cap,
                        Resources.ZERO,
                        100,
                        0,
                        Set.of("process"),
                        Set.of()));
    }

    @Override
    public List<EnvironmentView> environments(String tenant) {
        fail();
        return environments.values().stream()
                .filter(v -> v.tenant().equals(tenant))
                .sorted(java.util.Comparator.comparing(EnvironmentView::name))
                .toList();
    }

    @Override
    public Optional<EnvironmentView> environment(String tenant, String name) {
        fail();
        return Optional.ofNullable(environments.get(key(tenant, name)));
    }

    private volatile String unavailable;

    /** From now on, changes are committed but cannot be made safe: the cloud says why. */
    void unavailable(String why) {
        this.unavailable = why;
    }

    @Override
    public DeployOutcome create(EnvironmentSpec spec) {
        changes.add("create " + spec.tenant() + "/" + spec.name());
        if (unavailable != null) return new DeployOutcome.Unavailable(unavailable);
        var rejected = rejectUnofferedDrivers(spec);
        if (rejected.isPresent()) return rejected.get();
        if (environments.containsKey(key(spec.tenant(), spec.name()))) {
            return new DeployOutcome.Conflict("environment \"" + spec.name() + "\" exists; use PUT to update it");
        }
        var view = view(spec, 1);
        environments.put(key(spec.tenant(), spec.name()), view);
        return new DeployOutcome.Created(view);
    }

    @Override
    public DeployOutcome update(EnvironmentSpec spec) {
        changes.add("update " + spec.tenant() + "/" + spec.name());
        var rejected = rejectUnofferedDrivers(spec);
        if (rejected.isPresent()) return rejected.get();
        return replace(spec);
    }

    private DeployOutcome replace(EnvironmentSpec spec) {
        var old = environments.get(key(spec.tenant(), spec.name()));
        if (old == null) return new DeployOutcome.NotFound("no environment \"" + spec.name() + "\"");
        if (old.spec().equals(spec)) return new DeployOutcome.Unchanged(old);
        var changed = new ArrayList<String>();
        spec.services().forEach((name, s) -> {
            if (!s.equals(old.spec().services().get(name))) changed.add(name);
        });
        old.spec().services().keySet().stream()
                .filter(n -> !spec.services().containsKey(n))
                .forEach(changed::add);
        var view = view(spec, old.version() + 1);
        environments.put(key(spec.tenant(), spec.name()), view);
        return new DeployOutcome.Updated(view, changed);
    }

    /** Specs previewed, in order; a preview is not a change. */
    private final List<EnvironmentSpec> previewed = new CopyOnWriteArrayList<>();

    List<EnvironmentSpec> previewed() {
        return List.copyOf(previewed);
    }

    /** Every replica "would go" to site {@code fake}; unofferred drivers are rejected as a deploy would be. */
    @Override
    public dev.atoll.model.view.PreviewOutcome preview(EnvironmentSpec spec) {
        previewed.add(spec);
        var rejected = rejectUnofferedDrivers(spec);
        if (rejected.isPresent() && rejected.get() instanceof DeployOutcome.Rejected r) {
            return new dev.atoll.model.view.PreviewOutcome.Rejected(r.errors());
        }
        var services = spec.services().values().stream()
                .map(s -> new dev.atoll.model.view.PlacementPreview.ServicePreview(
                        s.name(),
                        s.replicas(),
                        0,
                        List.of(new dev.atoll.model.view.PlacementPreview.SiteCount("fake", s.replicas())),
                        Optional.empty(),
                        s.replicas() + " replicas would go to fake x" + s.replicas()))
                .toList();
        boolean exists = environments.containsKey(key(spec.tenant(), spec.name()));
        return new dev.atoll.model.view.PreviewOutcome.Previewed(
                new dev.atoll.model.view.PlacementPreview(spec.name(), spec.tenant(), exists, true, services));
    }

    @Override
    public DeployOutcome scale(String tenant, String environment, String service, int replicas) {
        changes.add("scale " + tenant + "/" + environment + "/" + service + " " + replicas);
        var old = environments.get(key(tenant, environment));
        if (old == null) return new DeployOutcome.NotFound("no environment \"" + environment + "\"");
        if (!old.spec().services().containsKey(service)) {
            return new DeployOutcome.NotFound("no service \"" + service + "\" in environment \"" + environment + "\"");
        }
        return replace(old.spec().withReplicas(service, replicas));
    }

    @Override
    public dev.atoll.model.view.MoveOutcome move(String tenant, String environment, String instance, String to) {
        changes.add("move " + tenant + "/" + environment + "." + instance + " to " + to);
        var old = environments.get(key(tenant, environment));
        if (old == null) return new dev.atoll.model.view.MoveOutcome.NotFound("no environment \"" + environment + "\"");
        if (to.startsWith("atlantis")) {
            return new dev.atoll.model.view.MoveOutcome.Rejected(List.of(
                    new dev.atoll.model.spec.FieldError("to.site", "no site \"atlantis\" (sites: frankfurt, london)")));
        }
        return new dev.atoll.model.view.MoveOutcome.Started(
                environment + "." + instance, environment, "london/london-n1", to, "asked by a user");
    }

    private final List<dev.atoll.model.view.PlanView> plans = new CopyOnWriteArrayList<>();

    /** A site's kept plan (a "given"); answered as the federated cloud does, by tenant. */
    private final List<Integer> regionsAsked = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The region sizes plans were asked for, in order. */
    List<Integer> regionsAsked() {
        return List.copyOf(regionsAsked);
    }

    FakeCloud withPlan(dev.atoll.model.view.PlanView plan) {
        plans.add(plan);
        return this;
    }

    @Override
    public List<dev.atoll.model.view.PlanView> plans(String tenant, boolean cloudAdmin, String site, int nearestSites) {
        regionsAsked.add(nearestSites);
        return plans.stream()
                .filter(p -> site == null || p.site().equals(site))
                .map(p -> cloudAdmin ? p : p.forTenant(tenant))
                .toList();
    }

    @Override
    public java.util.Optional<dev.atoll.model.view.PlanView> applyPlan(String site) {
        changes.add("apply plan " + site);
        return plans.stream()
                .filter(p -> p.site().equals(site))
                .findFirst()
                .map(p -> new dev.atoll.model.view.PlanView(
                        p.site(), p.computedAt(), !p.moves().isEmpty(), 0, p.moves(), p.report()));
    }

    @Override
    public dev.atoll.model.view.MoveOutcome drain(String site, String node, boolean draining) {
        changes.add((draining ? "drain " : "undrain ") + site + "/" + node);
        if (!site.equals("london"))
            return new dev.atoll.model.view.MoveOutcome.NotFound("no site " + site + " answers now");
        return new dev.atoll.model.view.MoveOutcome.Draining(site, node, draining, 2);
    }

    @Override
    public DeployOutcome delete(String tenant, String environment) {
        changes.add("delete " + tenant + "/" + environment);
        var old = environments.remove(key(tenant, environment));
        if (old == null) return new DeployOutcome.NotFound("no environment \"" + environment + "\"");
        return new DeployOutcome.Updated(old, List.copyOf(old.spec().services().keySet()));
    }

    @Override
    public List<InstanceView> instances(String tenant, String environment, String site) {
        fail();
        var all = new ArrayList<InstanceView>();
        for (var env : environments.values()) {
            if (!env.tenant().equals(tenant)) continue;
            for (var s : env.spec().services().values()) {
                for (int i = 0; i < s.replicas(); i++) {
                    String onSite = i % 2 == 0 ? "london" : "frankfurt";
                    String id = env.name() + "." + s.name() + "." + i;
                    all.add(new InstanceView(
                            id,
                            tenant,
                            env.name(),
                            s.name(),
                            onSite,
                            onSite + "-n1",
                            instanceStates.getOrDefault(id, InstanceState.RUNNING),
                            1,
                            Map.of("http", 20000 + i),
                            Optional.of(100L + i),
                            Optional.of(T0),
                            0,
                            ""));
                }
            }
        }
        return all.stream()
                .filter(v -> environment == null || v.environment().equals(environment))
                .filter(v -> site == null || v.site().equals(site))
                .toList();
    }

    @Override
    public Optional<InputStream> openLog(String tenant, String instanceId, long fromOffset) {
        fail();
        logOpens.incrementAndGet();
        var log = logs.get(tenant + "/" + instanceId);
        if (log == null) return Optional.empty();
        byte[] bytes;
        synchronized (log) {
            bytes = log.toByteArray();
        }
        int from = (int) Math.min(bytes.length, fromOffset);
        return Optional.of(new ByteArrayInputStream(Arrays.copyOfRange(bytes, from, bytes.length)));
    }

    @Override
    public List<CloudEvent> recentEvents(int max) {
        fail();
        var all = List.copyOf(events);
        return all.subList(Math.max(0, all.size() - max), all.size());
    }

    @Override
    public AutoCloseable subscribe(Consumer<CloudEvent> listener) {
        listeners.add(listener);
        return () -> {
            if (listeners.remove(listener)) subscriptionsClosed.incrementAndGet();
        };
    }

    private void fail() {
        var f = failure;
        if (f != null) throw f;
    }

    private static Optional<DeployOutcome> rejectUnofferedDrivers(EnvironmentSpec spec) {
        var errors = new ArrayList<FieldError>();
        for (ServiceSpec s : spec.services().values()) {
            if (s.driver() != DriverKind.PROCESS) {
                errors.add(new FieldError(
                        "spec.services." + s.name() + ".driver",
                        "driver " + s.driver().wireName() + " is not offered by any node yet"));
            }
        }
        return errors.isEmpty() ? Optional.empty() : Optional.of(new DeployOutcome.Rejected(errors));
    }

    private static EnvironmentView view(EnvironmentSpec spec, long version) {
        var services = spec.services().values().stream()
                .map(s -> new EnvironmentView.ServiceStatus(s.name(), s.replicas(), 0, 0, "deploying"))
                .toList();
        return new EnvironmentView(spec.name(), spec.tenant(), "london", version, "deploying", T0, T0, services, spec);
    }

    private static String key(String tenant, String name) {
        return Objects.requireNonNull(tenant) + "/" + Objects.requireNonNull(name);
    }
}
