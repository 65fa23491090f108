package dev.atoll.control.node;

import dev.atoll.control.federation.CallBodies;
import dev.atoll.control.site.SiteController;
import dev.atoll.model.agent.AgentCalls;
import dev.atoll.wire.CallFailedException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the calls of node agents ({@link AgentCalls}) for one site controller: a node that joins
 * becomes a {@link RemoteNodeAgent} attached to the controller; heartbeats and reports reach the
 * controller through it.
 */
public final class AgentGateway {
    private static final Logger LOG = LoggerFactory.getLogger(AgentGateway.class);

    private final SiteController controller;
    private final String controllerName;
    private final java.net.http.HttpClient http;
    private final Map<String, RemoteNodeAgent> agents = new ConcurrentHashMap<>();

    public AgentGateway(SiteController controller, String controllerName) {
        this(controller, controllerName, null);
    }

    /**
     * @param tls the site's TLS context for the agents' HTTPS ports (logs, traces); null: plain HTTP
     */
    public AgentGateway(SiteController controller, String controllerName, javax.net.ssl.SSLContext tls) {
        this.http = tls == null
                ? null
                : java.net.http.HttpClient.newBuilder()
                        .connectTimeout(java.time.Duration.ofSeconds(2))
                        .sslContext(tls)
                        .build();
        this.controller = controller;
        this.controllerName = controllerName;
    }

    /** Whether this gateway answers {@code method}. */
    public static boolean serves(String method) {
        return method.startsWith("agent.");
    }

    public CompletableFuture<byte[]> handle(String method, byte[] body) {
        return switch (method) {
            case AgentCalls.JOIN -> join(CallBodies.request(body, AgentCalls.Join.class));
            case AgentCalls.HEARTBEAT -> {
                var heartbeat = CallBodies.request(body, AgentCalls.Heartbeat.class);
                RemoteNodeAgent agent = agents.get(heartbeat.node());
                if (agent != null) agent.heard(heartbeat.used());
                yield answer(new AgentCalls.HeartbeatAnswer(agent != null));
            }
            case AgentCalls.REPORT -> {
                var report = CallBodies.request(body, AgentCalls.Report.class);
                RemoteNodeAgent agent = agents.get(report.node());
                if (agent == null) yield unknownNode(report.node());
                agent.reported(report.report());
                yield answer(Map.of());
            }
            case AgentCalls.ASSIGNMENTS -> {
                var wanted = CallBodies.request(body, AgentCalls.AssignmentsWanted.class);
                RemoteNodeAgent agent = agents.get(wanted.node());
                if (agent == null) yield unknownNode(wanted.node());
                yield agent.assignmentsAfter(
                                wanted.knownVersion(), Duration.ofMillis(AgentCalls.ASSIGNMENTS_WAIT_MILLIS))
                        .thenApply(CallBodies::write);
            }
            case AgentCalls.NETWORK -> {
                var wanted = CallBodies.request(body, AgentCalls.NetworkWanted.class);
                if (!agents.containsKey(wanted.node())) yield unknownNode(wanted.node());
                yield answer(controller.networkViewFor(wanted.node()));
            }
            default ->
                CompletableFuture.failedFuture(
                        new CallFailedException(CallFailedException.Reason.UNKNOWN_METHOD, "no method " + method));
        };
    }

    private CompletableFuture<byte[]> join(AgentCalls.Join join) {
        var node = join.node();
        if (!node.site().equals(controller.site().name())) {
            return CompletableFuture.failedFuture(new CallFailedException(
                    CallFailedException.Reason.REFUSED,
                    "node " + node.name() + " says it belongs to site " + node.site() + "; this is site "
                            + controller.site().name()));
        }
        RemoteNodeAgent agent = agents.compute(node.name(), (name, existing) -> {
            if (existing == null)
                return http == null
                        ? new RemoteNodeAgent(name, join.logUrl())
                        : new RemoteNodeAgent(name, join.logUrl(), http);
            existing.logUrl(join.logUrl());
            return existing;
        });
        LOG.info("site {}: node {} joined (logs at {})", controller.site().name(), node.name(), join.logUrl());
        return controller
                .attach(node, agent)
                .thenApply(v ->
                        CallBodies.write(new AgentCalls.Joined(controller.site().name(), controllerName)));
    }

    public int joinedCount() {
        return agents.size();
    }

    /** The agents that joined, by node name. */
    public Optional<RemoteNodeAgent> agent(String node) {
        return Optional.ofNullable(agents.get(node));
    }

    private static CompletableFuture<byte[]> unknownNode(String node) {
        return CompletableFuture.failedFuture(new CallFailedException(
                CallFailedException.Reason.REFUSED, "node " + node + " has not joined; call " + AgentCalls.JOIN));
    }

    private static CompletableFuture<byte[]> answer(Object value) {
        return CompletableFuture.completedFuture(CallBodies.write(value));
    }
}
