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

    /**
     * Starts a workload that waits for the memory of a running one (the destination of a live
     * migration), listening on {@code address:port}. Drivers that cannot migrate refuse.
     *
     * @throws LaunchException when it cannot be started, or the driver does not migrate
     */
    default Workload startIncoming(LaunchSpec spec, String address, int port) throws LaunchException {
        throw new LaunchException("this driver cannot receive a running instance (live migration)");
    }

    /**
     * Waits until an incoming workload has its memory and runs: true; false when it ended, or did
     * not run within {@code timeout}.
     */
    default boolean awaitIncoming(WorkloadRef ref, java.time.Duration timeout) {
        return false;
    }

    /**
     * Sends the running workload's memory to {@code address:port} while it runs (live migration)
     * and returns once that is over: the outcome says whether the destination took over (the
     * workload here is then paused, to be stopped) or why not (it runs on here).
     */
    default MigrationOutcome migrate(WorkloadRef ref, String address, int port, java.time.Duration timeout) {
        return new MigrationOutcome(false, "this driver cannot migrate a running instance", java.time.Duration.ZERO);
    }

    /**
     * How a live migration ended.
     *
     * @param downtime how long the guest was paused at the end (as the hypervisor measured it)
     */
    record MigrationOutcome(boolean completed, String detail, java.time.Duration downtime) {}
}
