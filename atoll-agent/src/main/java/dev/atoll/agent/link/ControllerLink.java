package dev.atoll.agent.link;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atoll.agent.NodeAgent;
import dev.atoll.model.agent.AgentCalls;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.json.AtollJson;
import dev.atoll.wire.CallFailedException;
import dev.atoll.wire.Failures;
import dev.atoll.wire.Hello;
import dev.atoll.wire.WireCaller;
import dev.atoll.wire.WireSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a {@link NodeAgent} to its site's controller over the wire protocol: joins, heartbeats
 * every {@link dev.atoll.model.agent.NodeAgentPort#HEARTBEAT_PERIOD}, sends reports as they
 * happen, and long-polls for assignments. While no controller answers, the agent keeps running
 * what it has (a site cut off keeps its instances) and the link keeps trying, moving on to the
 * next controller address of the site, also when a controller refuses as not its site's leader
 * ({@link AgentCalls#NOT_LEADER}).
 */
public final class ControllerLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerLink.class);
    private static final ObjectMapper JSON = AtollJson.internal();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RETRY = Duration.ofMillis(300);

    private final NodeAgent agent;
    private final List<InetSocketAddress> controllers;
    private final String logUrl;
    private final WireSettings settings;
    private final AtomicLong knownVersion = new AtomicLong(-1);
    private volatile WireCaller caller;
    private volatile int controllerIndex;
    private volatile boolean joined;
    private volatile boolean closed;
    private volatile String lastProblem = "";
    private final AtomicLong heartbeatsAnswered = new AtomicLong();

    /** Null: plain TCP; else the agent's certificate, and only site certificates are trusted. */
    private final dev.atoll.wire.tls.WireTls tls;

    private ControllerLink(
            NodeAgent agent,
            List<InetSocketAddress> controllers,
            String logUrl,
            WireSettings settings,
            dev.atoll.wire.tls.WireTls tls) {
        this.tls = tls;
        if (controllers.isEmpty()) throw new IllegalArgumentException("at least one controller address is needed");
        this.agent = agent;
        this.controllers = List.copyOf(controllers);
        this.logUrl = logUrl;
        this.settings = settings;
    }

    /** Starts linking at once; returns without waiting for the controller. */
    public static ControllerLink start(
            NodeAgent agent, List<InetSocketAddress> controllers, String logUrl, WireSettings settings) {
        return start(agent, controllers, logUrl, settings, null);
    }

    /** The same over mutually authenticated TLS by {@code tls} (null: plain TCP). */
    public static ControllerLink start(
            NodeAgent agent,
            List<InetSocketAddress> controllers,
            String logUrl,
            WireSettings settings,
            dev.atoll.wire.tls.WireTls tls) {
        ControllerLink link = new ControllerLink(agent, controllers, logUrl, settings, tls);
        link.caller = link.callerFor(0);
        agent.onReport(link::sendReport);
        agent.onHeartbeat(link::heartbeat);
        // The use measured at one heartbeat travels with the next.
        agent.onUsage(usage -> link.lastUsage = usage.used());
        Thread.ofVirtual().name("link-assignments").start(link::followAssignments);
        return link;
    }

    /** Whether the controller knows this node now. */
    public boolean joined() {
        return joined;
    }

    public long heartbeatsAnswered() {
        return heartbeatsAnswered.get();
    }

    public InetSocketAddress controller() {
        return caller.address();
    }

    private WireCaller callerFor(int index) {
        var node = agent.node();
        return new WireCaller(
                "controller " + controllers.get(index),
                controllers.get(index),
                Hello.of(node.site(), "agent:" + node.name()),
                settings,
                256,
                tls);
    }

    /** Joins (again) and follows assignments; runs until closed. */
    private void followAssignments() {
        while (!closed) {
            WireCaller used = caller;
            try {
                if (!joined) {
                    var answer = call(
                            AgentCalls.JOIN,
                            new AgentCalls.Join(agent.node(), logUrl),
                            AgentCalls.Joined.class,
                            CALL_TIMEOUT.multipliedBy(5));
                    joined = true;
                    knownVersion.set(-1);
                    LOG.info(
                            "node {} joined site {} at controller {}",
                            agent.node().name(),
                            answer.site(),
                            caller.address());
                    // What happened while the controller could not hear us.
                    agent.reports().forEach(this::sendReport);
                }
                var assignments = call(
                        AgentCalls.ASSIGNMENTS,
                        new AgentCalls.AssignmentsWanted(agent.node().name(), knownVersion.get()),
                        AgentCalls.Assignments.class,
                        Duration.ofMillis(AgentCalls.ASSIGNMENTS_WAIT_MILLIS).plus(CALL_TIMEOUT));
                if (assignments.version() != knownVersion.get()) {
                    agent.assign(assignments.desired());
                    knownVersion.set(assignments.version());
                }
            } catch (CallFailedException e) {
                problem(e, used);
                pause();
            } catch (RuntimeException e) {
                LOG.warn("node {}: link to its controller failed", agent.node().name(), e);
                pause();
            }
        }
    }

    private volatile dev.atoll.model.Resources lastUsage;

    private void heartbeat() {
        if (closed || !joined) return;
        WireCaller used = caller;
        callAsync(
                        used,
                        AgentCalls.HEARTBEAT,
                        new AgentCalls.Heartbeat(agent.node().name(), lastUsage))
                .thenAccept(body -> {
                    heartbeatsAnswered.incrementAndGet();
                    if (!read(body, AgentCalls.HeartbeatAnswer.class).known()) {
                        LOG.info(
                                "node {}: the controller does not know it (restarted?); joining again",
                                agent.node().name());
                        joined = false;
                    }
                })
                .exceptionally(e -> {
                    problem(e, used);
                    return null;
                });
    }

    private void sendReport(InstanceReport report) {
        if (closed || !joined) return;
        WireCaller used = caller;
        callAsync(used, AgentCalls.REPORT, new AgentCalls.Report(agent.node().name(), report))
                .exceptionally(e -> {
                    problem(e, used);
                    return null;
                });
    }

    /** @param used the caller the failed call went through: only its failure moves the link on */
    private void problem(Throwable error, WireCaller used) {
        Throwable cause = Failures.unwrap(error);
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof CallFailedException failed
                && failed.reason() == CallFailedException.Reason.REFUSED
                && message.contains("has not joined")) {
            joined = false;
        }
        boolean follower = cause instanceof CallFailedException failed
                && failed.reason() == CallFailedException.Reason.REFUSED
                && message.contains(AgentCalls.NOT_LEADER);
        if (follower
                || cause instanceof CallFailedException failed
                        && (failed.reason() == CallFailedException.Reason.UNREACHABLE
                                || failed.reason() == CallFailedException.Reason.TIMED_OUT)) {
            joined = false;
            nextController(used);
        }
        if (follower) {
            // Expected with several controllers per site: only the leader takes agents.
            LOG.debug("node {}: {}", agent.node().name(), message);
        } else if (!message.equals(lastProblem)) {
            lastProblem = message;
            LOG.warn("node {}: {}", agent.node().name(), message);
        }
    }

    /** Moves on from {@code failed}, unless another failure already moved the link past it. */
    private synchronized void nextController(WireCaller failed) {
        if (controllers.size() == 1 || caller != failed) return;
        controllerIndex = (controllerIndex + 1) % controllers.size();
        WireCaller old = caller;
        caller = callerFor(controllerIndex);
        old.close();
    }

    /**
     * One call to the controller this link talks to now, for callers with their own bodies (image
     * transfer). Any failure is an IOException naming the method.
     */
    public byte[] callRaw(String method, byte[] body, Duration timeout) throws IOException {
        WireCaller used = caller;
        try {
            return used.call(method, body, timeout).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = Failures.unwrap(e.getCause());
            if (cause instanceof CallFailedException failed
                    && failed.reason() == CallFailedException.Reason.UNREACHABLE) {
                nextController(used);
            }
            throw new IOException(method + " failed: " + cause.getMessage(), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(method + " got no answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(method + " was interrupted", e);
        }
    }

    private <T> T call(String method, Object body, Class<T> answerType, Duration timeout) {
        try {
            byte[] answer =
                    caller.call(method, write(body), timeout).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return read(answer, answerType);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = Failures.unwrap(e.getCause());
            if (cause instanceof CallFailedException failed) throw failed;
            throw new IllegalStateException(cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new CallFailedException(CallFailedException.Reason.TIMED_OUT, method + " got no answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallFailedException(CallFailedException.Reason.UNREACHABLE, "interrupted");
        }
    }

    private CompletableFuture<byte[]> callAsync(WireCaller via, String method, Object body) {
        return via.call(method, write(body), CALL_TIMEOUT);
    }

    private void pause() {
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] body, Class<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            throw new IllegalStateException("the controller's answer does not decode as " + type.getSimpleName(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        caller.close();
    }
}
