package dev.atoll.cli.bench;

import dev.atoll.cli.dev.DevCloud;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Crashes a node that runs replicas (its agent and processes stop, its heartbeats end) and measures
 * how long until its site declares it down, and until its replicas run again on another node.
 */
final class NodeFailureBenchmark {
    record Run(Duration detected, Duration runningAgain) {}

    static final String SPEC = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: bench}
            spec:
              services:
                sleeper:
                  command: [sleep, "600"]
                  replicas: 2
                  placement: {sites: [london], antiAffinity: node}
            """;

    private NodeFailureBenchmark() {}

    static List<Run> run(int runs, PrintWriter out) throws Exception {
        EnvironmentSpec spec =
                switch (SpecParser.parse(SPEC)) {
                    case SpecResult.Valid v -> v.spec();
                    case SpecResult.Invalid i ->
                        throw new IllegalStateException("benchmark spec is invalid: " + i.errors());
                };
        List<Run> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            try (DevCloud cloud = BenchCloud.freshWith("node-failure", spec)) {
                try {
                    InstanceView victim =
                            cloud.cloud().instances("default", "bench", null).getFirst();
                    long start = System.nanoTime();
                    cloud.crashNode("london", victim.node());
                    Poll.until(() -> cloud.cloud().nodes().stream()
                            .anyMatch(n -> n.name().equals(victim.node())
                                    && n.site().equals("london")
                                    && n.state().equals("down")));
                    Duration detected = Duration.ofNanos(System.nanoTime() - start);
                    Poll.until(() -> cloud.cloud().instances("default", "bench", null).stream()
                            .anyMatch(i -> i.id().equals(victim.id())
                                    && i.state() == InstanceState.RUNNING
                                    && !i.node().equals(victim.node())));
                    Duration again = Duration.ofNanos(System.nanoTime() - start);
                    results.add(new Run(detected, again));
                    out.printf(
                            "run %d: node london/%s declared down after %d ms, its replica running again after %d ms%n",
                            run, victim.node(), detected.toMillis(), again.toMillis());
                    out.flush();
                } finally {
                    cloud.stopInstances();
                }
            }
        }
        return results;
    }
}
