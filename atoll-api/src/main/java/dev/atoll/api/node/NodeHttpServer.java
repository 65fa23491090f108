package dev.atoll.api.node;

import dev.atoll.api.problem.Problem;
import dev.atoll.api.problem.ProblemException;
import dev.atoll.api.problem.Problems;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.json.AtollJson;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port of a process that is not a site's API (a node agent): {@code /healthz}, Prometheus
 * {@code /metrics}, and for an agent the logs of its instances, which its site's API reads from here.
 */
public final class NodeHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeHttpServer.class);

    private final Javalin app;

    private NodeHttpServer(Javalin app) {
        this.app = app;
    }

    /**
     * @param health the body of {@code /healthz}; a "status" other than "ok" answers 503
     * @param metrics Prometheus text exposition of the process's metrics
     * @param agent whose instance logs are served at {@code /v1/logs/{tenant}/{environment}/{service}/{index}}
     */
    public static NodeHttpServer start(
            String host,
            int port,
            Supplier<Map<String, Object>> health,
            Supplier<String> metrics,
            NodeAgentPort agent) {
        return start(host, port, health, metrics, agent, null);
    }

    /** @param traces the spans this process kept, served at {@code /v1/traces/{id}} (null: not served) */
    public static NodeHttpServer start(
            String host,
            int port,
            Supplier<Map<String, Object>> health,
            Supplier<String> metrics,
            NodeAgentPort agent,
            dev.atoll.api.trace.SpanRing traces) {
        return start(host, port, health, metrics, agent, traces, null);
    }

    /**
     * The same over HTTPS by {@code tls} (null: plain HTTP): TLS 1.3 with the node's certificate. A
     * client certificate, when presented, must be the cloud CA's; logs and traces are read only with a
     * site's certificate (its controller's), anything else is refused with 403, logged and counted.
     * {@code /healthz} and {@code /metrics} need none, like a site API's, so a scraper needs only to
     * trust the CA.
     */
    public static NodeHttpServer start(
            String host,
            int port,
            Supplier<Map<String, Object>> health,
            Supplier<String> metrics,
            NodeAgentPort agent,
            dev.atoll.api.trace.SpanRing traces,
            dev.atoll.wire.tls.CloudIdentity tls) {
        Javalin app = Javalin.create(config -> {
            if (tls != null) {
                config.jetty.addConnector((server, httpConfig) -> {
                    var ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
                    ssl.setSslContext(tls.sslContext());
                    ssl.setWantClientAuth(true);
                    ssl.setIncludeProtocols(dev.atoll.wire.tls.CloudIdentity.PROTOCOL);
                    var secure = new org.eclipse.jetty.server.SecureRequestCustomizer();
                    // Peers are known by their certificate's role and name, not by a host name.
                    secure.setSniHostCheck(false);
                    secure.setSniRequired(false);
                    httpConfig.addCustomizer(secure);
                    var connector = new org.eclipse.jetty.server.ServerConnector(
                            server,
                            new org.eclipse.jetty.server.SslConnectionFactory(ssl, "http/1.1"),
                            new org.eclipse.jetty.server.HttpConnectionFactory(httpConfig));
                    connector.setHost(host);
                    connector.setPort(port);
                    return connector;
                });
                config.routes.before("/v1/*", ctx -> onlySites(ctx, tls));
            }
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.jetty.host = host;
            config.jetty.port = port;
            config.jsonMapper(new JavalinJackson(AtollJson.json(), true));
            var r = config.routes;
            r.get("/healthz", ctx -> {
                Map<String, Object> body = health.get();
                ctx.status("ok".equals(body.get("status")) ? 200 : 503).json(body);
            });
            r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.get()));
            r.get("/v1/logs/{tenant}/{environment}/{service}/{index}", ctx -> serveLog(ctx, agent));
            if (traces != null)
                r.get(
                        "/v1/traces/{id}",
                        new dev.atoll.api.trace.TraceRoutes(traces, dev.atoll.api.trace.TraceRoutes::namedTenant)::get);
            r.exception(ProblemException.class, (e, ctx) -> Problems.respond(ctx, e.problem()));
            r.exception(
                    HttpResponseException.class,
                    (e, ctx) -> Problems.respond(ctx, Problem.of(e.getStatus(), String.valueOf(e.getMessage()))));
            r.exception(Exception.class, (e, ctx) -> {
                log.error("internal error serving {} {}", ctx.method(), ctx.path(), e);
                Problems.respond(ctx, Problem.of(500, "internal error"));
            });
        });
        app.start();
        return new NodeHttpServer(app);
    }

    /** Refuses a caller whose certificate is not a site's (the TLS handshake already checked the CA). */
    private static void onlySites(Context ctx, dev.atoll.wire.tls.CloudIdentity tls) {
        Object chain = ctx.req().getAttribute("jakarta.servlet.request.X509Certificate");
        String peer = ctx.req().getRemoteAddr() + ":" + ctx.req().getRemotePort();
        try {
            if (!(chain instanceof java.security.cert.X509Certificate[] certificates)) {
                throw new dev.atoll.wire.tls.RefusedCertificateException(
                        dev.atoll.wire.tls.RefusalReason.NO_CERTIFICATE, "no certificate");
            }
            var who = tls.verify(certificates);
            if (who.role() != dev.atoll.wire.tls.PeerRole.SITE) {
                throw new dev.atoll.wire.tls.RefusedCertificateException(
                        dev.atoll.wire.tls.RefusalReason.WRONG_ROLE, "a " + who + " may not read a node's port");
            }
        } catch (dev.atoll.wire.tls.RefusedCertificateException e) {
            tls.refusals().refused(peer, e.reason(), e.getMessage());
            throw new ProblemException(Problem.of(403, "refused: " + e.getMessage()));
        }
    }

    private static void serveLog(Context ctx, NodeAgentPort agent) throws Exception {
        int index;
        long offset;
        try {
            index = Integer.parseInt(ctx.pathParam("index"));
            offset =
                    Long.parseLong(ctx.queryParamAsClass("offset", String.class).getOrDefault("0"));
        } catch (NumberFormatException e) {
            throw new ProblemException(Problem.of(400, "index and offset must be whole numbers"));
        }
        if (index < 0 || offset < 0) throw new ProblemException(Problem.of(400, "index and offset cannot be negative"));
        var id = new InstanceId(ctx.pathParam("tenant"), ctx.pathParam("environment"), ctx.pathParam("service"), index);
        InputStream in;
        try {
            in = agent.openLog(id, offset);
        } catch (NoSuchFileException e) {
            throw new ProblemException(Problem.of(404, "no log of instance " + id.display() + " on this node"));
        }
        ctx.contentType("text/plain; charset=utf-8");
        try (in) {
            in.transferTo(ctx.res().getOutputStream());
        }
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
