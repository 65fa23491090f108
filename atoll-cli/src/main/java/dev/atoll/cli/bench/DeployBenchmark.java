package dev.atoll.cli.bench;

import dev.atoll.cli.dev.DevCloud;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures what a user waits for: from the deploy request of a 9-replica environment over 3 sites
 * until every replica runs and passes its HTTP health check, on a fresh embedded cloud.
 */
final class DeployBenchmark {
    /** The seed's headline: a 9-node cluster over 3 sites deployed in 1 min 30 s. */
    static final Duration ANCHOR = Duration.ofSeconds(90);

    static final String SPEC = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: bench}
            spec:
              services:
                web:
                  command: [python3, -m, http.server, "${ATOLL_PORT_HTTP}", --bind, 127.0.0.1]
                  ports: [http]
                  resources: {cpu: 100m, memory: 64Mi}
                  health: {http: {path: /, port: http}, interval: 100ms, timeout: 1s}
                  replicas: 9
                  placement:
                    spread: {across: site, minDomains: 3}
            """;

    private DeployBenchmark() {}

    static List<Duration> run(int runs, PrintWriter out) throws Exception {
        EnvironmentSpec spec =
                switch (SpecParser.parse(SPEC)) {
                    case SpecResult.Valid v -> v.spec();
                    case SpecResult.Invalid i ->
                        throw new IllegalStateException("benchmark spec is invalid: " + i.errors());
                };
        List<Duration> times = new ArrayList<>();
        try (DevCloud cloud = BenchCloud.fresh("deploy")) {
            try {
                for (int run = 1; run <= runs; run++) {
                    long start = System.nanoTime();
                    cloud.cloud().create(spec);
                    BenchCloud.awaitReady(cloud, "bench");
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    times.add(took);
                    var sites = cloud.cloud().instances("default", "bench", null).stream()
                            .map(i -> i.site())
                            .distinct()
                            .count();
                    out.printf("run %d: 9/9 healthy over %d sites in %d ms%n", run, sites, took.toMillis());
                    out.flush();
                    cloud.cloud().delete("default", "bench");
                    Poll.until(
                            () -> cloud.cloud().environment("default", "bench").isEmpty()
                                    && cloud.cloud().sites().stream().allMatch(s -> s.instances() == 0));
                }
            } finally {
                cloud.stopInstances();
            }
        }
        return times;
    }
}
