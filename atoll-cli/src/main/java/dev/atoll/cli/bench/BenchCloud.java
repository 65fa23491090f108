package dev.atoll.cli.bench;

import dev.atoll.cli.dev.DevCloud;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.topology.Topologies;
import java.nio.file.Files;

/** What every benchmark run starts from: a fresh embedded cloud of the default three sites. */
final class BenchCloud {
    private BenchCloud() {}

    /** The benchmark's own spec, read the way a user's is. */
    static EnvironmentSpec spec(String yaml) {
        return switch (SpecParser.parse(yaml)) {
            case SpecResult.Valid v -> v.spec();
            case SpecResult.Invalid i -> throw new IllegalStateException("benchmark spec is invalid: " + i.errors());
        };
    }

    /** A new cloud in a new temporary data dir, with nothing deployed. */
    static DevCloud fresh(String purpose) throws Exception {
        return DevCloud.start(
                Topologies.defaultDev(), Files.createTempDirectory("atoll-bench-" + purpose), 1, "127.0.0.1", 0);
    }

    /** A new cloud with {@code spec} deployed and every replica running. */
    static DevCloud freshWith(String purpose, EnvironmentSpec spec) throws Exception {
        DevCloud cloud = fresh(purpose);
        try {
            cloud.cloud().create(spec);
            awaitReady(cloud, spec.name());
            return cloud;
        } catch (Exception | Error e) {
            cloud.stopInstances();
            cloud.close();
            throw e;
        }
    }

    static void awaitReady(DevCloud cloud, String environment) throws InterruptedException {
        Poll.until(() -> cloud.cloud()
                .environment("default", environment)
                .map(e -> e.status().equals("ready"))
                .orElse(false));
    }
}
