package dev.atoll.agent.driver;

import java.time.Instant;

/**
 * What identifies a running workload across agent restarts. The start instant guards against the
 * operating system having given the pid to another process meanwhile. {@code handle} is the
 * driver's own name for it (a container id, a VM's directory); empty for plain processes.
 */
public record WorkloadRef(long pid, Instant processStart, String handle) {
    public WorkloadRef {
        handle = handle == null ? "" : handle;
    }

    public WorkloadRef(long pid, Instant processStart) {
        this(pid, processStart, "");
    }
}
