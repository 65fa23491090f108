package dev.atoll.control.node;

import dev.atoll.model.agent.AgentCalls;
import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.model.instance.InstanceId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The controller's side of a node agent in another process. The agent calls in (see {@link
 * AgentCalls}); assignments wait here, versioned, until the agent asks for them, so the controller
 * never connects to an agent. Logs are read from the agent's HTTP port.
 */
public final class RemoteNodeAgent implements NodeAgentPort {
    private static final HttpClient PLAIN_HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Plain, or HTTPS with the site's certificate (the agent's port takes only site certificates). */
    private final HttpClient http;

    private final String node;
    private final List<Consumer<InstanceReport>> reportListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> heartbeatListeners = new CopyOnWriteArrayList<>();
    private volatile String logUrl;

    /** Guarded by this. */
    private long version;

    private List<InstanceAssignment> desired = List.of();
    private final List<CompletableFuture<AgentCalls.Assignments>> waiting = new ArrayList<>();

    public RemoteNodeAgent(String node, String logUrl) {
        this(node, logUrl, PLAIN_HTTP);
    }

    public RemoteNodeAgent(String node, String logUrl, HttpClient http) {
        this.http = http;
        this.node = node;
        this.logUrl = logUrl;
    }

    public String node() {
        return node;
    }

    void logUrl(String url) {
        this.logUrl = url;
    }

    @Override
    public void assign(Collection<InstanceAssignment> assignments) {
        List<CompletableFuture<AgentCalls.Assignments>> woken;
        AgentCalls.Assignments answer;
        synchronized (this) {
            desired = List.copyOf(assignments);
            version++;
            answer = new AgentCalls.Assignments(version, desired);
            woken = List.copyOf(waiting);
            waiting.clear();
        }
        woken.forEach(w -> w.complete(answer));
    }

    /** The agent asks: at once when it lacks the current version, else when it changes. */
    CompletableFuture<AgentCalls.Assignments> assignmentsAfter(long knownVersion, Duration wait) {
        synchronized (this) {
            if (knownVersion != version) {
                return CompletableFuture.completedFuture(new AgentCalls.Assignments(version, desired));
            }
            CompletableFuture<AgentCalls.Assignments> next = new CompletableFuture<>();
            waiting.add(next);
            AgentCalls.Assignments unchanged = new AgentCalls.Assignments(version, desired);
            return next.completeOnTimeout(unchanged, wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .whenComplete((a, e) -> {
                        synchronized (this) {
                            waiting.remove(next);
                        }
                    });
        }
    }

    void reported(InstanceReport report) {
        reportListeners.forEach(l -> l.accept(report));
    }

    /** A heartbeat; {@code used} is what the agent measured (null when it measures nothing). */
    void heard(dev.atoll.model.Resources used) {
        heartbeatListeners.forEach(Runnable::run);
        if (used != null) {
            var usage = new dev.atoll.model.agent.NodeUsage(used);
            usageListeners.forEach(l -> l.accept(usage));
        }
    }

    private final List<Consumer<dev.atoll.model.agent.NodeUsage>> usageListeners = new CopyOnWriteArrayList<>();

    @Override
    public void onUsage(Consumer<dev.atoll.model.agent.NodeUsage> listener) {
        usageListeners.add(listener);
    }

    @Override
    public void onReport(Consumer<InstanceReport> listener) {
        reportListeners.add(listener);
    }

    @Override
    public void onHeartbeat(Runnable listener) {
        heartbeatListeners.add(listener);
    }

    @Override
    public InputStream openLog(InstanceId id, long fromOffset) throws IOException {
        String url = logUrl + "/v1/logs/" + encode(id.tenant()) + "/" + encode(id.environment()) + "/"
                + encode(id.service()) + "/" + id.index() + "?offset=" + fromOffset;
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException(
                        "node " + node + " answered " + response.statusCode() + " for the log of " + id.display());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the log of " + id.display(), e);
        }
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8);
    }
}
