package dev.atoll.agent.driver;

import java.util.concurrent.CompletableFuture;

/** One started or adopted workload. */
public interface Workload {
    WorkloadRef ref();

    /** Completes once the workload has ended, however it ended. */
    CompletableFuture<ExitStatus> exit();
}
