package dev.atoll.sim.cloud;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.model.topology.Topologies;
import dev.atoll.model.topology.Topology;
import dev.atoll.sim.report.SimReport;
import dev.atoll.sim.scenario.ScenarioPlan;
import dev.atoll.sim.scenario.TimedAction;
import dev.atoll.sim.scenario.UserPopulation;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plays one small plan with every kind of fault and writes its event log to a file, then prints
 * {@code sha256 lines} on the last line of its output; the first line says how it orders the JDK's
 * immutable sets ({@link #hashing}). {@link DeterminismAcrossProcessesTest} runs
 * it in fresh JVMs, whose hash salts and identity hash codes differ from run to run. After the
 * event log the file holds a fingerprint of the run (lines starting with {@code #}): the report
 * without wall time and heap, and how many tasks each kind of lane ran.
 *
 * <p>Usage: {@code DeterminismProbe SEED EVENT_LOG_FILE}
 */
public final class DeterminismProbe {
    private DeterminismProbe() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: DeterminismProbe SEED EVENT_LOG_FILE");
            System.exit(2);
        }
        System.out.println(hashing());
        System.out.flush();
        long seed = Long.parseLong(args[0]);
        Path log = Path.of(args[1]);
        try (BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            Simulation.Outcome outcome =
                    Simulation.run(plan(seed), Simulation.Options.defaults().withEventLines(line -> write(out, line)));
            // Beyond the event log: what the whole run did, down to the number of tasks each kind
            // of lane ran (every Raft message and timer), so a divergence that leaves no event shows.
            for (String line : fingerprint(outcome)) write(out, line);
            System.out.println(outcome.eventLogSha256() + " " + outcome.eventLines());
        }
    }

    /**
     * How this JVM orders the JDK's immutable sets: their iteration order is salted per JVM, and
     * two JVMs compare only when their salts differ (a set of two only has two orders).
     */
    static String hashing() {
        return "hashing " + Set.of("a", "b") + " " + Set.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7");
    }

    private static List<String> fingerprint(Simulation.Outcome outcome) {
        SimReport r = outcome.report();
        return List.of(
                "# event log sha256 " + outcome.eventLogSha256() + " lines " + outcome.eventLines(),
                "# tasks run " + r.eventsProcessed() + " by lane " + outcome.tasksByLane(),
                "# simulated seconds " + r.simulatedSeconds(),
                "# counters " + r.counters(),
                "# sites " + r.sites(),
                "# placement latency " + r.placementLatency(),
                "# instances " + r.instances(),
                "# user latency " + r.userLatency(),
                "# recoveries " + r.recoveries(),
                "# violations " + r.violations());
    }

    private static void write(BufferedWriter out, String line) {
        try {
            out.write(line);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Duration s(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    /**
     * Four sites (london UK, frankfurt EU, new-york US, paris EU), three nodes each: deploys with
     * spread, jurisdiction, anti-affinity and packing intents, then a node crash, a partition, a
     * site crash, a controller restart, their repairs, and a delete.
     */
    static ScenarioPlan plan(long seed) {
        List<TimedAction> timeline = new ArrayList<>();
        String[] homes = {"london", "frankfurt", "new-york", "paris"};
        String[] placements = {
            "{spread: {across: site, minDomains: 2}}",
            "{jurisdictions: [EU], spread: {across: site, minDomains: 2}}",
            "{jurisdictions: [EU, UK], antiAffinity: node}",
            "{countries: [US, GB], strategy: pack}",
            "{avoidSites: [paris], spread: {across: node, minDomains: 3}}",
            "{nearUsers: [{name: londoners, lat: 51.5, lon: -0.12}], antiAffinity: site}",
        };
        for (int i = 0; i < 8; i++) {
            timeline.add(new TimedAction.Deploy(
                    s(1 + i * 0.4),
                    TinyPlans.spec("acme", "shop-" + i, 2 + i % 3, placements[i % placements.length]),
                    homes[i % homes.length]));
        }
        timeline.add(new TimedAction.CrashNode(s(8), "london", "n1"));
        timeline.add(new TimedAction.Partition(s(12), Set.of("new-york")));
        timeline.add(new TimedAction.CrashSite(s(15), "frankfurt"));
        timeline.add(new TimedAction.Heal(s(22), Set.of("new-york")));
        timeline.add(new TimedAction.RestartController(s(26), "paris"));
        timeline.add(new TimedAction.RestoreSite(s(30), "frankfurt"));
        timeline.add(new TimedAction.RestoreNode(s(34), "london", "n1"));
        timeline.add(new TimedAction.Delete(s(38), "acme", "shop-1"));
        timeline.add(new TimedAction.Deploy(
                s(40), TinyPlans.spec("acme", "late", 3, "{spread: {across: site, minDomains: 3}}"), "paris"));
        timeline.add(new TimedAction.Deploy(s(2), networked("web-shop"), "london"));
        timeline.add(new TimedAction.Deploy(s(5), networked("api-shop"), "new-york"));
        timeline.add(new TimedAction.SlowLink(s(10), "london", "paris", 400));
        timeline.add(new TimedAction.RestoreLink(s(20), "london", "paris"));
        timeline.sort(java.util.Comparator.comparing(TimedAction::at));
        Topology topology = tagged(Topologies.generated(4, 3));
        // A little message loss, so lost calls, timeouts and retries are part of the run too.
        return new ScenarioPlan(
                "determinism",
                seed,
                s(45),
                s(25),
                topology,
                TinyPlans.greatCircle(topology),
                0.01,
                List.of(new UserPopulation("londoners", new GeoPoint(51.5, -0.12), 1000)),
                timeline);
    }

    /**
     * Every node runs tenant networks; nodes and sites carry a few tags each, so tag filters and
     * preferences have sets to look in.
     */
    private static Topology tagged(Topology plain) {
        List<Set<String>> nodeTags = List.of(Set.of("ssd"), Set.of("ssd", "gpu", "fast"), Set.of());
        List<Topology.SiteTopology> sites = new ArrayList<>();
        for (var s : plain.sites()) {
            var info = s.site();
            SiteInfo site = new SiteInfo(
                    info.name(),
                    info.location(),
                    info.country(),
                    info.jurisdiction(),
                    info.name().startsWith("p") ? Set.of("edge", "green", "metro") : Set.of("core"));
            List<NodeInfo> nodes = new ArrayList<>();
            for (int i = 0; i < s.nodes().size(); i++) {
                NodeInfo n = s.nodes().get(i);
                nodes.add(new NodeInfo(
                        n.site(),
                        n.name(),
                        n.capacity(),
                        n.instanceSlots(),
                        Set.of("process", "oci"),
                        nodeTags.get(i % nodeTags.size()),
                        Map.of(NodeInfo.NETWORK_DETAIL, NodeInfo.NETWORK_VXLAN, "oci", "runc 1.2")));
            }
            sites.add(new Topology.SiteTopology(site, nodes));
        }
        return new Topology(sites);
    }

    /** Two services on tenant networks (addresses, the directory, address clashes), one published. */
    private static EnvironmentSpec networked(String name) {
        String yaml = """
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: %s, tenant: acme}
                spec:
                  networks: [backend, front]
                  services:
                    web:
                      command: [httpd]
                      replicas: 3
                      ports: [http]
                      networks: [front, backend]
                      expose: [{port: http, public: 8080}]
                      resources: {cpu: 250m, memory: 64Mi}
                      placement: {spread: {across: site, minDomains: 2}, preferTags: [ssd, gpu]}
                    cache:
                      command: [redis-server]
                      replicas: 2
                      ports: [redis]
                      networks: [backend]
                      resources: {cpu: 500m, memory: 128Mi}
                      placement: {jurisdictions: [EU, UK, US], antiAffinity: site, requireTags: [ssd]}
                """.formatted(name);
        SpecResult result = SpecParser.parse(yaml);
        if (result instanceof SpecResult.Valid valid) return valid.spec();
        throw new IllegalArgumentException(result.toString());
    }
}
