package dev.atoll.model.spec;

import java.time.Duration;
import java.util.List;

/**
 * How the agent decides an instance is healthy: a probe, run every {@code interval}, each try
 * allowed {@code timeout}; {@code threshold} consecutive failures make it unhealthy.
 */
public record HealthCheck(Probe probe, Duration interval, Duration timeout, int threshold) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_THRESHOLD = 3;

    public sealed interface Probe {}

    /** GET http://127.0.0.1:{port}{path}; 2xx and 3xx are healthy. {@code port} names a service port. */
    public record Http(String path, String port) implements Probe {}

    /** A TCP connect to the named port succeeds. */
    public record Tcp(String port) implements Probe {}

    /** The command exits 0. */
    public record Command(List<String> command) implements Probe {
        public Command {
            command = List.copyOf(command);
        }
    }
}
