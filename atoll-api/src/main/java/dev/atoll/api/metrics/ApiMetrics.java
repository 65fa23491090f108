package dev.atoll.api.metrics;

import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.view.CloudEvent;
import dev.atoll.model.view.EnvironmentView;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus meters of one API server, served at GET /metrics in the text format 0.0.4.
 *
 * <ul>
 *   <li>{@code atoll_api_requests_seconds_count/_sum/_max{route,method,status}}: a timer per route
 *       template (never the raw path, so ids cannot blow up the label set); requests no route
 *       matched (404, 405) share {@code route="unmatched"}.
 *   <li>{@code atoll_sites{health}}, {@code atoll_nodes{state}}, {@code atoll_instances{state}},
 *       {@code atoll_instances_by_site{site}}, {@code atoll_environments{status}}: gauges computed
 *       from the cloud when scraped, so they are never staler than the scrape.
 *   <li>{@code atoll_events_total{type}}: every event the cloud published since this server started.
 * </ul>
 */
public final class ApiMetrics implements AutoCloseable {
    /**
     * The content type of {@link #scrape()}: the Prometheus text format 0.0.4, which is what
     * {@code PrometheusMeterRegistry.scrape()} writes (the prometheus client keeps that class on the
     * runtime classpath only, hence the copy).
     */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * CloudApi has no "every tenant" call, and tenants are not real until auth arrives; the gauges
     * count the default tenant's instances and environments only.
     */
    static final String TENANT = "default";

    static final String UNMATCHED = "unmatched";

    private static final Logger log = LoggerFactory.getLogger(ApiMetrics.class);
    private static final String SAMPLE = ApiMetrics.class.getName() + ".sample";
    // Listed so a dashboard sees a zero rather than a missing series while none is in that state.
    private static final List<String> NODE_STATES = List.of("ready", "suspect", "down");
    private static final List<String> ENVIRONMENT_STATUSES =
            List.of("deploying", "ready", "degraded", "deleting", "unplaceable");

    private final CloudApi cloud;
    private final PrometheusMeterRegistry registry;
    private final boolean ownsRegistry;
    private final List<Runnable> refreshers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final MultiGauge sites;
    private final MultiGauge nodes;
    private final MultiGauge instances;
    private final MultiGauge instancesBySite;
    private final MultiGauge environments;
    private final AutoCloseable subscription;

    public ApiMetrics(CloudApi cloud) {
        this(cloud, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
    }

    /**
     * Meters in {@code registry}, shared with the process around the API (its site controllers
     * count into it from the start); the process closes it.
     */
    public ApiMetrics(CloudApi cloud, PrometheusMeterRegistry registry) {
        this(cloud, registry, false);
    }

    private ApiMetrics(CloudApi cloud, PrometheusMeterRegistry registry, boolean ownsRegistry) {
        this.cloud = cloud;
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        sites = MultiGauge.builder("atoll.sites").description("Sites by health").register(registry);
        nodes = MultiGauge.builder("atoll.nodes").description("Nodes by state").register(registry);
        instances = MultiGauge.builder("atoll.instances")
                .description("Instances of the default tenant by state")
                .register(registry);
        instancesBySite = MultiGauge.builder("atoll.instances.by.site")
                .description("Instances of the default tenant by site")
                .register(registry);
        environments = MultiGauge.builder("atoll.environments")
                .description("Environments of the default tenant by status")
                .register(registry);
        subscription = cloud.subscribe(this::count);
    }

    private void count(CloudEvent event) {
        Counter.builder("atoll.events")
                .description("Events the cloud published, by type")
                .tag("type", event.type() == null ? "unknown" : event.type())
                .register(registry)
                .increment();
    }

    /** Where the process adds its own meters (a site's offers and heartbeats, for example). */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    /** Runs {@code refresh} before every scrape: where gauges of the process are worked out. */
    public void beforeScrape(Runnable refresh) {
        refreshers.add(refresh);
    }

    /** A before-hook: starts timing the request. */
    public void startTimer(Context ctx) {
        ctx.attribute(SAMPLE, Timer.start(registry));
    }

    /** An after-hook: records the request under its route template, method and final status. */
    public void recordRequest(Context ctx) {
        Timer.Sample sample = ctx.attribute(SAMPLE);
        if (sample == null) return;
        Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        String route = endpoint == null ? UNMATCHED : endpoint.path;
        sample.stop(Timer.builder("atoll.api.requests")
                .description("API requests by route template, method and status")
                .tags("route", route, "method", ctx.method().name(), "status", Integer.toString(ctx.statusCode()))
                .register(registry));
    }

    /** GET /metrics. */
    public void handle(Context ctx) {
        ctx.contentType(CONTENT_TYPE).result(scrape());
    }

    /** Refreshes the gauges from the cloud, then writes every meter in the Prometheus text format. */
    public synchronized String scrape() {
        refreshGauges();
        for (Runnable refresh : refreshers) {
            try {
                refresh.run();
            } catch (RuntimeException e) {
                // A scrape answers with what it has rather than failing whole.
                log.warn("refreshing gauges before a scrape failed", e);
            }
        }
        return registry.scrape();
    }

    private void refreshGauges() {
        var bySiteHealth = new LinkedHashMap<String, Integer>();
        var bySite = new LinkedHashMap<String, Integer>();
        for (SiteView s : cloud.sites()) {
            bySiteHealth.merge(s.health(), 1, Integer::sum);
            bySite.put(s.name(), 0);
        }
        var byNodeState = zeros(NODE_STATES);
        for (NodeView n : cloud.nodes()) byNodeState.merge(n.state(), 1, Integer::sum);
        var byInstanceState = new LinkedHashMap<String, Integer>();
        for (var state : InstanceState.values()) byInstanceState.put(state.wireName(), 0);
        for (InstanceView i : cloud.instances(TENANT, null, null)) {
            byInstanceState.merge(i.state().wireName(), 1, Integer::sum);
            bySite.merge(i.site(), 1, Integer::sum);
        }
        var byStatus = zeros(ENVIRONMENT_STATUSES);
        for (EnvironmentView e : cloud.environments(TENANT)) byStatus.merge(e.status(), 1, Integer::sum);
        sites.register(rows("health", bySiteHealth), true);
        nodes.register(rows("state", byNodeState), true);
        instances.register(rows("state", byInstanceState), true);
        instancesBySite.register(rows("site", bySite), true);
        environments.register(rows("status", byStatus), true);
    }

    private static LinkedHashMap<String, Integer> zeros(List<String> keys) {
        var map = new LinkedHashMap<String, Integer>();
        keys.forEach(k -> map.put(k, 0));
        return map;
    }

    private static List<MultiGauge.Row<?>> rows(String tag, Map<String, Integer> counts) {
        var rows = new ArrayList<MultiGauge.Row<?>>();
        counts.forEach((value, n) -> rows.add(MultiGauge.Row.of(Tags.of(tag, value == null ? "unknown" : value), n)));
        return rows;
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            log.warn("closing the event subscription of the metrics failed", e);
        }
        if (ownsRegistry) registry.close();
    }
}
