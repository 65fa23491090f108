package dev.atoll.agent;

import dev.atoll.agent.restart.RestartRules;
import java.time.Duration;

/**
 * How a node agent paces its work.
 *
 * @param restart back-off and crash-loop rules
 * @param stopGrace how long a stopped process gets between SIGTERM and SIGKILL
 * @param runningAfter an instance without a health check counts as running once its process has
 *     been up this long (a process that dies at once never shows as running)
 * @param startupProbeInterval while an instance is starting its health check runs this often (or
 *     at its own interval, if shorter), so a fresh instance is seen healthy soon after it is
 */
public record AgentSettings(
        RestartRules restart, Duration stopGrace, Duration runningAfter, Duration startupProbeInterval) {
    public static final AgentSettings DEFAULTS = new AgentSettings(
            RestartRules.DEFAULTS, Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofMillis(250));

    public static AgentSettings defaults() {
        return DEFAULTS;
    }

    public AgentSettings withRestart(RestartRules rules) {
        return new AgentSettings(rules, stopGrace, runningAfter, startupProbeInterval);
    }

    public AgentSettings withStopGrace(Duration grace) {
        return new AgentSettings(restart, grace, runningAfter, startupProbeInterval);
    }
}
