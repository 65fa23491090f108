package dev.atoll.agent.driver;

import java.time.Duration;
import java.util.Optional;

/**
 * Runs workloads on this node: starts them, takes back ones started before an agent restart, and
 * stops them. One implementation per {@link dev.atoll.model.spec.DriverKind}; the agent decides
 * when, the driver only knows how.
 */
public interface Driver {
    /**
     * Starts a workload. Never waits for it to become ready.
     *
     * @throws LaunchException when it cannot be started at all; the message is shown to users
     */
    Workload start(LaunchSpec spec) throws LaunchException;

    /**
     * The workload that {@code ref} names, if it still runs and is the same one (not another that
     * happens to reuse its pid).
     */
    Optional<Workload> adopt(WorkloadRef ref);

    /**
     * Asks the workload (and whatever it started) to end, forces it after {@code grace}, and returns
     * once it is gone. Does nothing if it is already gone.
     */
    void stop(WorkloadRef ref, Duration grace);

    /**
     * Removes whatever this driver left on the node that belongs to none of {@code keep}: containers,
     * mounts, cgroups, VM directories of an agent that crashed between starting a workload and saving
     * its state. Called once when an agent starts, after it has adopted what it still wants.
     */
    default void reclaim(java.util.Collection<WorkloadRef> keep) {}
}
