package dev.atoll.control.cloud;

import static dev.atoll.control.Fixtures.T0;

import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.view.EnvironmentView;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A site's share kept in memory: a home that commits at once and runs every replica it homes on a
 * site of the test's choosing. It can be made to fail or to never answer.
 */
class FakeSiteShare implements SiteShare {
    enum Behaviour {
        ANSWERS,
        FAILS,
        NEVER_ANSWERS
    }

    private final String site;
    private final Map<String, HomedEnvironment> homed = new LinkedHashMap<>();
    private final Map<String, byte[]> logs = new LinkedHashMap<>();
    final List<EnvironmentSpec> puts = new ArrayList<>();
    final List<String> deletes = new ArrayList<>();
    final List<Integer> logChunkSizes = new ArrayList<>();
    volatile Behaviour behaviour = Behaviour.ANSWERS;
    /** Where this home's replicas run. */
    String replicasOn;

    FakeSiteShare(String site) {
        this.site = site;
        this.replicasOn = site;
    }

    static SiteView siteView(String name, String health) {
        return new SiteView(
                name,
                "GB",
                "UK",
                51.5,
                -0.1,
                Set.of(),
                health,
                name + "-c1",
                List.of(name + "-c1"),
                1,
                0,
                new Resources(4000, 8L << 30),
                Resources.ZERO);
    }

    /** Homes {@code spec} as if it had been committed here, at version 1 and ready. */
    FakeSiteShare homing(EnvironmentSpec spec) {
        homed.put(key(spec.tenant(), spec.name()), environment(spec, 1, "ready"));
        return this;
    }

    /** This site runs the instance and has this log for it. */
    FakeSiteShare running(String tenant, String instanceId, String log) {
        logs.put(tenant + "/" + instanceId, log.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return this;
    }

    private static String key(String tenant, String name) {
        return tenant + "/" + name;
    }

    private HomedEnvironment environment(EnvironmentSpec spec, long version, String status) {
        List<EnvironmentView.ServiceStatus> services = new ArrayList<>();
        List<InstanceView> instances = new ArrayList<>();
        for (ServiceSpec s : spec.services().values()) {
            services.add(new EnvironmentView.ServiceStatus(s.name(), s.replicas(), s.replicas(), s.replicas(), ""));
            for (int i = 0; i < s.replicas(); i++) {
                var id = new InstanceId(spec.tenant(), spec.name(), s.name(), i);
                instances.add(new InstanceView(
                        id.display(),
                        id.tenant(),
                        id.environment(),
                        id.service(),
                        replicasOn,
                        "n1",
                        InstanceState.RUNNING,
                        1,
                        Map.of(),
                        Optional.of(100L + i),
                        Optional.of(T0),
                        0,
                        ""));
            }
        }
        var view = new EnvironmentView(spec.name(), spec.tenant(), site, version, status, T0, T0, services, spec);
        return new HomedEnvironment(view, instances);
    }

    @Override
    public String site() {
        return site;
    }

    private <T> CompletableFuture<T> answer(T value) {
        return switch (behaviour) {
            case ANSWERS -> CompletableFuture.completedFuture(value);
            case FAILS -> CompletableFuture.failedFuture(new IllegalStateException("site " + site + " is down"));
            case NEVER_ANSWERS -> new CompletableFuture<>();
        };
    }

    @Override
    public synchronized CompletableFuture<SitePart> part() {
        return answer(new SitePart(
                siteView(site, "healthy"),
                List.of(new NodeView(
                        site,
                        "n1",
                        "ready",
                        new Resources(4000, 8L << 30),
                        Resources.ZERO,
                        110,
                        0,
                        Set.of("process"),
                        Set.of())),
                List.copyOf(homed.values())));
    }

    /** What previewPlacement was asked: the spec, whether it exists, and the running replicas. */
    record PreviewAsked(EnvironmentSpec spec, boolean exists, List<InstanceView> running) {}

    final List<PreviewAsked> previews = new ArrayList<>();

    /** Answers every preview with all replicas on this site. */
    @Override
    public synchronized CompletableFuture<dev.atoll.model.view.PlacementPreview> previewPlacement(
            EnvironmentSpec spec, boolean exists, List<InstanceView> running) {
        previews.add(new PreviewAsked(spec, exists, running));
        var services = spec.services().values().stream()
                .map(s -> new dev.atoll.model.view.PlacementPreview.ServicePreview(
                        s.name(),
                        s.replicas(),
                        0,
                        List.of(new dev.atoll.model.view.PlacementPreview.SiteCount(site, s.replicas())),
                        Optional.empty(),
                        s.replicas() + " replicas would go to " + site + " x" + s.replicas()))
                .toList();
        return answer(new dev.atoll.model.view.PlacementPreview(spec.name(), spec.tenant(), exists, true, services));
    }

    /** Measures 10 ms to every site whose name differs. */
    @Override
    public CompletableFuture<List<dev.atoll.model.view.SiteLink>> links() {
        return answer(List.of(new dev.atoll.model.view.SiteLink(site, "elsewhere", 10, true)));
    }

    @Override
    public synchronized CompletableFuture<PutResult> put(EnvironmentSpec spec) {
        puts.add(spec);
        var existing = homed.get(key(spec.tenant(), spec.name()));
        if (existing == null) {
            homed.put(key(spec.tenant(), spec.name()), environment(spec, 1, "deploying"));
            return answer(new PutResult(PutResult.Outcome.CREATED, List.of()));
        }
        if (existing.environment().spec().equals(spec)) {
            return answer(new PutResult(PutResult.Outcome.UNCHANGED, List.of()));
        }
        homed.put(
                key(spec.tenant(), spec.name()),
                environment(spec, existing.environment().version() + 1, "deploying"));
        return answer(new PutResult(
                PutResult.Outcome.UPDATED, List.copyOf(spec.services().keySet())));
    }

    @Override
    public synchronized CompletableFuture<Void> delete(String tenant, String environment) {
        deletes.add(key(tenant, environment));
        var existing = homed.get(key(tenant, environment));
        var spec = existing.environment().spec();
        homed.put(
                key(tenant, environment),
                environment(spec, existing.environment().version(), "deleting"));
        return answer(null);
    }

    @Override
    public synchronized CompletableFuture<Optional<byte[]>> readLog(
            String tenant, String instanceId, long offset, int maxBytes) {
        logChunkSizes.add(maxBytes);
        byte[] log = logs.get(tenant + "/" + instanceId);
        if (log == null) return answer(Optional.empty());
        int from = (int) Math.min(offset, log.length);
        int to = Math.min(log.length, from + Math.min(maxBytes, 4));
        // Four bytes at most per call, so that reading a whole log takes several calls.
        return answer(Optional.of(Arrays.copyOfRange(log, from, to)));
    }

    /** The tenants and tokens this site knows; merged into as a site's log would. */
    final dev.atoll.control.auth.AuthRecords auth = dev.atoll.control.auth.AuthRecords.empty();

    final List<dev.atoll.model.auth.AuditEntry> auditEntries = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<dev.atoll.control.auth.AuthRecords> auth() {
        return answer(auth.copy());
    }

    @Override
    public synchronized CompletableFuture<dev.atoll.control.auth.AuthRecords> mergeAuth(
            dev.atoll.control.auth.AuthRecords records) {
        if (behaviour != Behaviour.ANSWERS) return answer(null);
        return answer(auth.merge(records));
    }

    @Override
    public synchronized CompletableFuture<Void> recordAudit(dev.atoll.model.auth.AuditEntry entry) {
        auditEntries.add(entry);
        return answer(null);
    }

    @Override
    public synchronized CompletableFuture<List<dev.atoll.model.auth.AuditEntry>> audit(String tenant, int max) {
        var of = auditEntries.stream()
                .filter(e -> tenant == null || tenant.equals(e.tenant()))
                .toList();
        return answer(List.copyOf(of.subList(Math.max(0, of.size() - max), of.size())));
    }
}
