package dev.atoll.agent;

import dev.atoll.model.Resources;
import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.RestartPolicy;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A separate JVM hosting one agent, so a test can kill -9 the whole host as a user would kill
 * `atoll dev`. Args: work directory, number of sleepers. Prints "running <index> <pid>" for each,
 * then waits to be killed.
 */
public final class AgentHost {
    static final NodeInfo NODE =
            new NodeInfo("london", "n1", new Resources(4000, 8L << 30), 100, Set.of("process"), Set.of());

    static ServiceSpec sleeper() {
        return new ServiceSpec(
                "sleeper",
                DriverKind.PROCESS,
                List.of("sleep", "600"),
                Map.of(),
                new Resources(10, 1 << 20),
                List.of("http"),
                Optional.empty(),
                1,
                RestartPolicy.ALWAYS,
                PlacementIntent.NONE);
    }

    static List<InstanceAssignment> sleepers(int n) {
        var all = new ArrayList<InstanceAssignment>();
        for (int i = 0; i < n; i++)
            all.add(new InstanceAssignment(new InstanceId("default", "host", "sleeper", i), 1, sleeper()));
        return all;
    }

    public static void main(String[] args) throws InterruptedException {
        int n = Integer.parseInt(args[1]);
        var agent = NodeAgent.withProcessDriver(NODE, Path.of(args[0]));
        var announced = new java.util.HashSet<Integer>();
        agent.onReport(r -> {
            if (r.state() == InstanceState.RUNNING && r.pid().isPresent() && announced.add(r.id().index())) {
                System.out.println("running " + r.id().index() + " " + r.pid().get());
                System.out.flush();
            }
        });
        agent.assign(sleepers(n));
        new CountDownLatch(1).await();
    }
}
