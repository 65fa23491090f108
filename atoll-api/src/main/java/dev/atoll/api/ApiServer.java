package dev.atoll.api;

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
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.net.URI;
import java.util.List;
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

    /** A route as Javalin has it registered: method and path template such as /v1/environments/{name}. */
    public record Route(String method, String path) {}

    private ApiServer(Javalin app, OpenStreams streams, ApiMetrics metrics, String host) {
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
        var streams = new OpenStreams(options.maxStreams());
        var metrics = new ApiMetrics(cloud);
        var wiring = new Wiring(cloud, options, streams, metrics);
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
            throw e;
        }
        return new ApiServer(app, streams, metrics, host);
    }

    /** The wiring of routes to handlers, kept apart from start-up so it reads as the contract. */
    private record Wiring(CloudApi cloud, ApiOptions options, OpenStreams streams, ApiMetrics metrics) {
        void routes(JavalinConfig config) {
            var environments =
                    new EnvironmentRoutes(cloud, options.specReader(), new EnvironmentJson(options.specWriter()));
            var events = new EventRoutes(cloud, streams, options.keepAlive(), options.followMax());
            var logs = new LogRoutes(cloud, streams, options.logPoll(), options.followMax());
            var images = new ImageRoutes(cloud);
            byte[] openApi = OpenApiDocument.bytes();
            var r = config.routes;
            r.before(metrics::startTimer);
            r.after(metrics::recordRequest);
            r.get(
                    "/healthz",
                    ctx -> ctx.json(AtollJson.json().createObjectNode().put("status", "ok")));
            r.get("/metrics", metrics::handle);
            r.get("/v1/sites", ctx -> {
                Requests.tenant(ctx);
                ctx.json(cloud.sites());
            });
            r.get("/v1/links", ctx -> {
                Requests.tenant(ctx);
                ctx.json(cloud.links());
            });
            r.get("/v1/nodes", ctx -> {
                Requests.tenant(ctx);
                String site = Requests.queryFilter(ctx, "site");
                ctx.json(cloud.nodes().stream()
                        .filter(n -> site == null || site.equals(n.site()))
                        .toList());
            });
            r.get("/v1/environments", environments::list);
            r.post("/v1/environments", environments::create);
            r.post("/v1/environments/preview", environments::preview);
            r.get("/v1/environments/{name}", environments::get);
            r.put("/v1/environments/{name}", environments::put);
            r.delete("/v1/environments/{name}", environments::delete);
            r.post("/v1/environments/{name}/services/{service}/scale", environments::scale);
            r.post("/v1/environments/{name}/services/{service}/restart", environments::restart);
            r.get(
                    "/v1/instances",
                    ctx -> ctx.json(cloud.instances(
                            Requests.tenant(ctx),
                            Requests.queryFilter(ctx, "environment"),
                            Requests.queryFilter(ctx, "site"))));
            r.get("/v1/instances/{id}/logs", logs::handle);
            r.get("/v1/events", events::handle);
            r.get("/v1/networks", ctx -> ctx.json(cloud.networks(Requests.tenant(ctx))));
            r.get("/v1/networks/{name}", ctx -> {
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
            r.get("/v1/images", images::list);
            r.post("/v1/images", images::importArchive);
            r.get("/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
        }
    }

    private static void errors(JavalinConfig config, ConsoleAssets console) {
        config.routes.exception(ProblemException.class, (e, ctx) -> Problems.respond(ctx, e.problem()));
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
    }
}
