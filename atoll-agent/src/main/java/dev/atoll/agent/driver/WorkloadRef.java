package dev.atoll.agent.driver;

import java.time.Instant;

/**
 * What identifies a running workload across agent restarts. The start instant guards against the
 * operating system having given the pid to another process meanwhile.
 */
public record WorkloadRef(long pid, Instant processStart) {}
