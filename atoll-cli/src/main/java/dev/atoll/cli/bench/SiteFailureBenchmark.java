package dev.atoll.cli.bench;

import dev.atoll.cli.dev.DevCloud;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Loses a whole site (cut off, all its nodes crashed) under a 6-replica environment and measures
 * how long until every replica runs on the other sites. In the embedded cloud the site's death is
 * known at once; over the network, gossip's detection time comes on top.
 */
final class SiteFailureBenchmark {
    static final String SPEC = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: bench}
            spec:
              services:
                sleeper:
                  command: [sleep, "600"]
                  replicas: 6
                  placement: {antiAffinity: node}
            """;

    private SiteFailureBenchmark() {}

    static List<Duration> run(int runs, PrintWriter out) throws Exception {
        EnvironmentSpec spec =
                switch (SpecParser.parse(SPEC)) {
                    case SpecResult.Valid v -> v.spec();
                    case SpecResult.Invalid i ->
                        throw new IllegalStateException("benchmark spec is invalid: " + i.errors());
                };
        List<Duration> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            try (DevCloud cloud = BenchCloud.freshWith("site-failure", spec)) {
                try {
                    long lost = cloud.cloud().instances("default", "bench", null).stream()
                            .filter(i -> i.site().equals("frankfurt"))
                            .count();
                    long start = System.nanoTime();
                    cloud.crashSite("frankfurt");
                    Poll.until(() -> cloud.cloud().instances("default", "bench", null).stream()
                            .allMatch(i -> i.state() == InstanceState.RUNNING
                                    && !i.site().equals("frankfurt")));
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    results.add(took);
                    out.printf(
                            "run %d: site frankfurt lost with %d replica(s); all running elsewhere after %d ms%n",
                            run, lost, took.toMillis());
                    out.flush();
                } finally {
                    cloud.stopInstances();
                }
            }
        }
        return results;
    }
}
