package dev.atoll.api;

import dev.atoll.api.auth.Access;
import dev.atoll.api.auth.AuditLog;
import dev.atoll.api.auth.AuthRoutes;
import dev.atoll.api.auth.Authenticator;
import dev.atoll.api.console.ConsoleAssets;
import dev.atoll.api.environment.EnvironmentJson;
import dev.atoll.api.environment.EnvironmentRoutes;
import dev.atoll.api.events.EventRoutes;
import dev.atoll.api.image.ImageRoutes;
import dev.atoll.api.logs.LogRoutes;
import dev.atoll.api.metrics.ApiMetrics;
import dev.atoll.api.openapi.OpenApiDocument;
import dev.atoll.api.problem.Problem;
import dev.atoll.api.problem.ProblemException;
import dev.atoll.api.problem.Problems;
import dev.atoll.api.request.OpenStreams;
import dev.atoll.api.request.Requests;
import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.json.AtollJson;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.net.URI;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API of a cloud, served by Javalin: every route of the contract (see README and
 * openapi.json), errors as problem+json, event and log streams on virtual threads.
 *
 * <p>Start reading at {@link #routes(JavalinConfig)}: it is the whole API on one screen.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;
    private final OpenStreams streams;
    private final ApiMetrics metrics;
    private final String host;
    private final Map<Route, Access> access;

    /** A route as Javalin has it registered: method and path template such as /v1/environments/{name}. */
    public record Route(String method, String path) {}

    private final dev.atoll.api.trace.OtelTracing ownTracing;

    private ApiServer(
            Javalin app,
            OpenStreams streams,
            ApiMetrics metrics,
            String host,
            dev.atoll.api.trace.OtelTracing ownTracing,
            Map<Route, Access> access) {
        this.ownTracing = ownTracing;
        this.access = Map.copyOf(access);
        this.app = app;
        this.streams = streams;
        this.metrics = metrics;
        this.host = host;
    }

    /** Starts serving {@code cloud} on host:port; port 0 picks any free port. */
    public static ApiServer start(CloudApi cloud, String host, int port) {
        return start(cloud, host, port, ApiOptions.defaults());
    }

    public static ApiServer start(CloudApi cloud, String host, int port, ApiOptions options) {
        var tracing = dev.atoll.api.trace.OtelTracing.create("atoll-api", Map.of());
        return start(cloud, host, port, options, new ApiMetrics(cloud), tracing, tracing);
    }

    /**
     * Serves {@code cloud} with its meters in {@code registry}, which the process shares with its
     * site controllers (see {@code MicrometerControlMetrics}) and closes itself.
     */
    public static ApiServer start(
            CloudApi cloud,
            String host,
            int port,
            ApiOptions options,
            io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry,
            dev.atoll.api.trace.OtelTracing tracing) {
        return start(cloud, host, port, options, new ApiMetrics(cloud, registry), tracing, null);
    }

    private static ApiServer start(
            CloudApi cloud,
            String host,
            int port,
            ApiOptions options,
            ApiMetrics metrics,
            dev.atoll.api.trace.OtelTracing tracing,
            dev.atoll.api.trace.OtelTracing ownTracing) {
        var streams = new OpenStreams(options.maxStreams());
        Map<Route, Access> access = new LinkedHashMap<>();
        var wiring = new Wiring(cloud, options, streams, metrics, tracing, access);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.prefer405over404 = true;
            // Streams must reach the client as written; a compressor would hold them back.
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.jetty.host = host;
            config.jetty.port = port;
            config.jsonMapper(new JavalinJackson(AtollJson.json(), true));
            wiring.routes(config);
            errors(config, new ConsoleAssets());
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            streams.close();
            metrics.close();
            if (ownTracing != null) ownTracing.close();
            throw e;
        }
        return new ApiServer(app, streams, metrics, host, ownTracing, access);
    }

    /** The wiring of routes to handlers, kept apart from start-up so it reads as the contract. */
    private record Wiring(
            CloudApi cloud,
            ApiOptions options,
            OpenStreams streams,
            ApiMetrics metrics,
            dev.atoll.api.trace.OtelTracing tracing,
            Map<Route, Access> access) {
        /**
         * A deploy (create, apply, scale) is the root of a trace, or joins the caller's when it sends a
         * W3C {@code traceparent}; the answer's {@code traceresponse} header names the trace, whose
         * spans {@code GET /v1/traces/{id}} shows.
         */
        io.javalin.http.Handler traced(io.javalin.http.Handler handler) {
            return ctx -> {
                var parent = dev.atoll.model.trace.TraceContext.parse(ctx.header("traceparent"))
                        .orElse(null);
                String tenant = Requests.tenant(ctx);
                try (var span = tracing.serve(
                        "atoll.deploy",
                        parent,
                        Map.of(
                                "http.request.method",
                                ctx.method().name(),
                                "url.path",
                                ctx.path(),
                                dev.atoll.api.trace.TraceRoutes.TENANT,
                                tenant))) {
                    ctx.header("traceresponse", span.context().traceparent());
                    try {
                        handler.handle(ctx);
                        span.attribute("http.response.status_code", Integer.toString(ctx.statusCode()));
                    } catch (Exception e) {
                        span.fail(e.getMessage());
                        throw e;
                    }
                }
            };
        }

        void routes(JavalinConfig config) {
            var environments =
                    new EnvironmentRoutes(cloud, options.specReader(), new EnvironmentJson(options.specWriter()));
            var events = new EventRoutes(cloud, streams, options.keepAlive(), options.followMax());
            var logs = new LogRoutes(cloud, streams, options.logPoll(), options.followMax());
            var images = new ImageRoutes(cloud);
            var auth = new AuthRoutes(cloud, options.clock(), new SecureRandom());
            var audit = new AuditLog(cloud, options.clock());
            byte[] openApi = OpenApiDocument.bytes();
            var r = new Secured(config, new Authenticator(cloud), access);
            config.routes.before(metrics::startTimer);
            config.routes.after(metrics::recordRequest);
            config.routes.after(audit::record);
            // Public: liveness, scraping and the API's description; everything else under /v1 needs a token.
            r.get(
                    "/healthz",
                    Access.PUBLIC,
                    ctx -> ctx.json(AtollJson.json().createObjectNode().put("status", "ok")));
            r.get("/metrics", Access.PUBLIC, metrics::handle);
            r.get("/v1/openapi.json", Access.PUBLIC, ctx -> ctx.contentType("application/json")
                    .result(openApi));
            // Sites and nodes are the cloud's shared machinery: every tenant sees them.
            r.get("/v1/sites", Access.VIEWER, ctx -> {
                Requests.tenant(ctx);
                ctx.json(cloud.sites());
            });
            r.get("/v1/links", Access.VIEWER, ctx -> {
                Requests.tenant(ctx);
                ctx.json(cloud.links());
            });
            r.get("/v1/nodes", Access.VIEWER, ctx -> {
                Requests.tenant(ctx);
                String site = Requests.queryFilter(ctx, "site");
                ctx.json(cloud.nodes().stream()
                        .filter(n -> site == null || site.equals(n.site()))
                        .toList());
            });
            r.get("/v1/environments", Access.VIEWER, environments::list);
            r.post("/v1/environments", Access.DEPLOYER, traced(environments::create));
            // A preview changes nothing: whoever may read the tenant's environments may ask for one.
            r.post("/v1/environments/preview", Access.VIEWER, environments::preview);
            r.get("/v1/environments/{name}", Access.VIEWER, environments::get);
            r.put("/v1/environments/{name}", Access.DEPLOYER, traced(environments::put));
            r.delete("/v1/environments/{name}", Access.DEPLOYER, environments::delete);
            r.post("/v1/environments/{name}/services/{service}/scale", Access.DEPLOYER, traced(environments::scale));
            r.post(
                    "/v1/environments/{name}/services/{service}/restart",
                    Access.DEPLOYER,
                    traced(environments::restart));
            var moves = new dev.atoll.api.move.MoveRoutes(cloud);
            r.post("/v1/environments/{name}/instances/{instance}/move", Access.DEPLOYER, moves::move);
            // A node is every tenant's machinery: only the cloud admin drains it (DELETE takes it back).
            r.post("/v1/sites/{site}/nodes/{node}/drain", Access.CLOUD_ADMIN, moves::drain);
            r.delete("/v1/sites/{site}/nodes/{node}/drain", Access.CLOUD_ADMIN, moves::undrain);
            var plans = new dev.atoll.api.plan.PlanRoutes(cloud);
            // Anyone may read the plans: a tenant sees only its own instances' moves.
            r.get("/v1/plans", Access.VIEWER, plans::list);
            // A plan moves every tenant's instances: only the cloud admin applies one.
            r.post("/v1/plans/{site}/apply", Access.CLOUD_ADMIN, plans::apply);
            r.get(
                    "/v1/instances",
                    Access.VIEWER,
                    ctx -> ctx.json(cloud.instances(
                            Requests.tenant(ctx),
                            Requests.queryFilter(ctx, "environment"),
                            Requests.queryFilter(ctx, "site"))));
            r.get("/v1/instances/{id}/logs", Access.VIEWER, logs::handle);
            r.get("/v1/events", Access.VIEWER, events::handle);
            r.get("/v1/networks", Access.VIEWER, ctx -> ctx.json(cloud.networks(Requests.tenant(ctx))));
            r.get("/v1/networks/{name}", Access.VIEWER, ctx -> {
                String tenant = Requests.tenant(ctx);
                String name = ctx.pathParam("name");
                ctx.json(cloud.networks(tenant).stream()
                        .filter(n -> n.name().equals(name))
                        .findFirst()
                        .orElseThrow(() -> new ProblemException(Problem.of(
                                404,
                                "tenant " + tenant + " has no network " + name
                                        + " with members now; see GET /v1/networks"))));
            });
            r.get("/v1/images", Access.VIEWER, images::list);
            r.post("/v1/images", Access.DEPLOYER, images::importArchive);
            // A trace shows only the caller's tenant's spans.
            r.get("/v1/traces/{id}", Access.VIEWER, new dev.atoll.api.trace.TraceRoutes(tracing.ring())::get);
            r.get("/v1/whoami", Access.VIEWER, auth::whoami);
            r.get("/v1/tenants", Access.VIEWER, auth::listTenants);
            r.post("/v1/tenants", Access.CLOUD_ADMIN, auth::createTenant);
            r.get("/v1/tokens", Access.ADMIN, auth::listTokens);
            r.post("/v1/tokens", Access.ADMIN, auth::createToken);
            r.delete("/v1/tokens/{id}", Access.ADMIN, auth::revokeToken);
            r.get("/v1/audit", Access.ADMIN, auth::audit);
            r.post("/v1/join-tokens", Access.CLOUD_ADMIN, auth::createJoinToken);
        }
    }

    /** Registers routes behind the token check, and notes what each needs (see {@link #access()}). */
    private record Secured(JavalinConfig config, Authenticator authenticator, Map<Route, Access> access) {
        void get(String path, Access needs, Handler handler) {
            access.put(new Route("GET", path), needs);
            config.routes.get(path, authenticator.guard(needs, handler));
        }

        void post(String path, Access needs, Handler handler) {
            access.put(new Route("POST", path), needs);
            config.routes.post(path, authenticator.guard(needs, handler));
        }

        void put(String path, Access needs, Handler handler) {
            access.put(new Route("PUT", path), needs);
            config.routes.put(path, authenticator.guard(needs, handler));
        }

        void delete(String path, Access needs, Handler handler) {
            access.put(new Route("DELETE", path), needs);
            config.routes.delete(path, authenticator.guard(needs, handler));
        }
    }

    private static void errors(JavalinConfig config, ConsoleAssets console) {
        config.routes.exception(ProblemException.class, (e, ctx) -> Problems.respond(ctx, e.problem()));
        // The site cannot check tokens now (no site answered): a passing state, not the caller's fault.
        config.routes.exception(
                dev.atoll.control.auth.AuthUnavailableException.class,
                (e, ctx) -> Problems.respond(ctx, Problem.of(503, e.getMessage())));
        // Javalin's own answers: unknown route (404), wrong method (405), and the like. A GET that no
        // route took outside the API's paths is the web console's: its files, or its page for the path.
        config.routes.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() == 404 && ConsoleAssets.owns(ctx.method().name(), ctx.path()) && console.respond(ctx)) {
                return;
            }
            Problems.respond(ctx, javalinProblem(e));
        });
        config.routes.exception(Exception.class, (e, ctx) -> {
            log.error("internal error serving {} {}", ctx.method(), ctx.path(), e);
            Problems.respond(ctx, Problem.of(500, "internal error"));
        });
    }

    private static Problem javalinProblem(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 -> Problem.of(404, "no such route; GET /v1/openapi.json lists every route");
            case 405 ->
                Problem.of(
                        405,
                        "this route does not take that method; allowed: "
                                + String.join(", ", e.getDetails().values()));
            default ->
                Problem.of(
                        e.getStatus(),
                        e.getMessage() == null || e.getMessage().isEmpty() ? "request failed" : e.getMessage());
        };
    }

    public int port() {
        return app.port();
    }

    public URI uri() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port());
    }

    /** Every HTTP route registered with Javalin, read from its router (what the OpenAPI test checks). */
    public List<Route> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(p -> p.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> new Route(e.method.name(), e.path))
                .toList();
    }

    /** Runs {@code refresh} before every scrape of {@code /metrics} (gauges of the process). */
    public void beforeScrape(Runnable refresh) {
        metrics.beforeScrape(refresh);
    }

    /**
     * What each route registered through the token check needs of its caller. A route Javalin has
     * that is missing here was registered around the check; the tests look for such routes.
     */
    public Map<Route, Access> access() {
        return access;
    }

    /** The registry behind {@code /metrics}, for meters of the process around the API. */
    public io.micrometer.core.instrument.MeterRegistry metrics() {
        return metrics.registry();
    }

    /** How many event and log streams are open now. */
    public int openStreams() {
        return streams.open();
    }

    @Override
    public void close() {
        streams.close();
        app.stop();
        metrics.close();
        if (ownTracing != null) ownTracing.close();
    }
}
