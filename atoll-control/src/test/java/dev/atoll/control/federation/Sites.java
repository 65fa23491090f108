package dev.atoll.control.federation;

import static dev.atoll.control.Fixtures.aNode;
import static dev.atoll.control.Fixtures.aSite;

import dev.atoll.control.cloud.EventLog;
import dev.atoll.control.cloud.FederatedCloud;
import dev.atoll.control.raft.RaftGroup;
import dev.atoll.control.raft.RaftTimings;
import dev.atoll.control.site.SiteController;
import dev.atoll.control.site.SiteStateMachine;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.model.topology.NodeInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A few real sites in one JVM (a one-member Raft group each, on disk) joined by a {@link
 * LocalFederation}, with fake agents that heartbeat, and the cloud entered at the first site.
 */
final class Sites implements AutoCloseable {
    final LocalFederation federation = new LocalFederation();
    final Map<String, SiteController> controllers = new LinkedHashMap<>();
    final Map<String, List<FakeAgent>> agents = new LinkedHashMap<>();
    final FederatedCloud cloud;
    /** What every site counted (placements, offers, detections), by site. */
    final dev.atoll.control.metrics.RecordingControlMetrics metrics =
            new dev.atoll.control.metrics.RecordingControlMetrics();

    private final List<RaftGroup> groups = new ArrayList<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

    private Sites(Path dir, int nodesPerSite, Map<String, UnaryOperator<Federation>> wiring, List<String> names)
            throws Exception {
        this(dir, nodesPerSite, wiring, names, Map.of());
    }

    private Sites(
            Path dir,
            int nodesPerSite,
            Map<String, UnaryOperator<Federation>> wiring,
            List<String> names,
            Map<String, java.util.Set<String>> siteTags)
            throws Exception {
        Clock clock = Clock.systemUTC();
        EventLog events = new EventLog(clock, 1000);
        Map<SiteController, List<NodeInfo>> nodesOf = new LinkedHashMap<>();
        long seed = 1;
        for (String name : names) {
            RaftGroup raft = RaftGroup.open(
                    name, List.of(name + "-c1"), dir.resolve(name), SiteStateMachine::new, RaftTimings.defaults());
            groups.add(raft);
            List<NodeInfo> nodes = new ArrayList<>();
            Map<String, NodeAgentPort> ports = new LinkedHashMap<>();
            List<FakeAgent> fakes = new ArrayList<>();
            for (int n = 1; n <= nodesPerSite; n++) {
                NodeInfo plain = aNode(name, "n" + n, 4000, 8L << 30);
                // Fake agents run anything, tenant networks included.
                NodeInfo node = new NodeInfo(
                        plain.site(),
                        plain.name(),
                        plain.capacity(),
                        plain.instanceSlots(),
                        // Fake agents run micro-VMs too, and migrate them live.
                        java.util.Set.of("process", "microvm"),
                        plain.tags(),
                        Map.of(NodeInfo.NETWORK_DETAIL, NodeInfo.NETWORK_VXLAN));
                FakeAgent agent = new FakeAgent(node);
                nodes.add(node);
                ports.put(node.name(), agent);
                fakes.add(agent);
            }
            agents.put(name, fakes);
            SiteController controller = new SiteController(
                            tagged(aSite(name), siteTags.getOrDefault(name, java.util.Set.of())),
                            raft,
                            ports,
                            clock,
                            events,
                            seed++)
                    .withMetrics(metrics);
            controllers.put(name, controller);
            federation.join(controller);
            nodesOf.put(controller, nodes);
        }
        heartbeats.scheduleAtFixedRate(
                () -> agents.values().forEach(list -> list.forEach(FakeAgent::beat)), 0, 200, TimeUnit.MILLISECONDS);
        List<CompletableFuture<Void>> started = new ArrayList<>();
        nodesOf.forEach((controller, nodes) -> {
            String name = controller.site().name();
            Federation seen = wiring.getOrDefault(name, f -> f).apply(federation.seenFrom(name));
            started.add(controller.start(seen, nodes));
        });
        CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        cloud = FederatedCloud.inProcess(
                List.copyOf(controllers.values()), names.getFirst(), events, clock, federation::deadSites);
    }

    static Sites start(Path dir, int nodesPerSite, String... names) throws Exception {
        return new Sites(dir, nodesPerSite, Map.of(), List.of(names));
    }

    /** Like {@link #start}, the sites with the tags given (by site name). */
    static Sites startTagged(Path dir, int nodesPerSite, Map<String, java.util.Set<String>> tags, String... names)
            throws Exception {
        return new Sites(dir, nodesPerSite, Map.of(), List.of(names), tags);
    }

    private static dev.atoll.model.topology.SiteInfo tagged(
            dev.atoll.model.topology.SiteInfo site, java.util.Set<String> tags) {
        return new dev.atoll.model.topology.SiteInfo(
                site.name(), site.location(), site.country(), site.jurisdiction(), tags);
    }

    /** Like {@link #start}, with {@code site}'s view of the federation wrapped (to hold calls back). */
    static Sites startWith(Path dir, String site, UnaryOperator<Federation> wrap, String... names) throws Exception {
        return new Sites(dir, 2, Map.of(site, wrap), List.of(names));
    }

    SiteController site(String name) {
        return controllers.get(name);
    }

    /** The whole site is lost: cut off, and every node of it stops. */
    void crash(String site) {
        federation.cutOff(site);
        agents.get(site).forEach(FakeAgent::crash);
    }

    /** What every node of every site runs: instance key to the "site/node@generation" copies. */
    Map<String, List<String>> running() {
        Map<String, List<String>> copies = new TreeMap<>();
        agents.forEach((site, list) -> list.forEach(
                a -> a.running.forEach((key, generation) -> copies.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(site + "/" + a.node.name() + "@" + generation))));
        return copies;
    }

    /** Every start on every node, as "site/node:key@generation". */
    List<String> starts() {
        List<String> all = new ArrayList<>();
        agents.forEach((site, list) ->
                list.forEach(a -> a.starts.forEach(s -> all.add(site + "/" + a.node.name() + ":" + s))));
        return all;
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        controllers.values().forEach(SiteController::close);
        groups.forEach(RaftGroup::close);
    }
}
