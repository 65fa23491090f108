package dev.atoll.agent;

import dev.atoll.agent.driver.Driver;
import dev.atoll.agent.health.HealthProbes;
import dev.atoll.image.ImageSupply;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.topology.NodeInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a supervisor may use of its agent. {@code loop} is the agent's one thread that owns all
 * supervisor state; blocking work (stopping, probing) runs on {@code blocking} and posts its
 * result back to the loop.
 */
record AgentContext(
        NodeInfo node,
        Clock clock,
        AgentSettings settings,
        Map<DriverKind, Driver> drivers,
        ImageSupply images,
        ScheduledExecutorService loop,
        ExecutorService blocking,
        InstanceStore store,
        HealthProbes probes,
        Map<String, String> agentEnvironment,
        Consumer<InstanceReport> reports,
        Consumer<InstanceSupervisor> removed) {
    private static final Logger LOG = LoggerFactory.getLogger(AgentContext.class);

    /** Runs on the loop later; dropped once the agent is closed (it no longer supervises). */
    void post(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException closed) {
            // the agent was closed: nothing is supervised any more
        }
    }

    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        try {
            return loop.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            return null;
        }
    }

    /** Runs {@code work} off the loop, then hands its result (null if it failed) to the loop. */
    <T> void async(String what, Supplier<T> work, Consumer<T> then) {
        try {
            blocking.execute(() -> {
                T result = null;
                try {
                    result = work.get();
                } catch (RuntimeException e) {
                    LOG.warn("{} on node {} failed", what, node.id(), e);
                }
                T r = result;
                post(() -> then.accept(r));
            });
        } catch (RejectedExecutionException closed) {
            // the agent was closed
        }
    }
}
