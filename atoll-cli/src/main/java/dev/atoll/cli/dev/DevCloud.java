package dev.atoll.cli.dev;

import dev.atoll.agent.NodeAgent;
import dev.atoll.api.ApiServer;
import dev.atoll.control.cloud.EventLog;
import dev.atoll.control.cloud.FederatedCloud;
import dev.atoll.control.federation.LocalFederation;
import dev.atoll.control.raft.RaftGroup;
import dev.atoll.control.raft.RaftTimings;
import dev.atoll.control.site.SiteController;
import dev.atoll.control.site.SiteStateMachine;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.Topology;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The embedded multi-site cloud of `atoll dev`: every site a Raft group of in-process controllers
 * persisted under the data dir, every node a real agent with its own work dir running real
 * processes, sites joined by the in-process offer protocol, and the REST API in front.
 */
public final class DevCloud implements AutoCloseable {
    private final List<RaftGroup> groups = new ArrayList<>();
    private final List<SiteController> controllers = new ArrayList<>();
    private final List<NodeAgent> agents = new ArrayList<>();
    private final java.util.Set<NodeAgent> crashed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final FederatedCloud cloud;
    private final LocalFederation federation;
    private final ApiServer api;

    private DevCloud(Topology topology, Path dataDir, int controllersPerSite, String host, int port) throws Exception {
        Clock clock = Clock.systemUTC();
        EventLog events = new EventLog(clock, 1000);
        federation = new LocalFederation();
        Map<SiteController, List<NodeInfo>> nodesOf = new LinkedHashMap<>();
        long seed = 1;
        for (var siteTopology : topology.sites()) {
            var site = siteTopology.site();
            Path siteDir = dataDir.resolve("sites").resolve(site.name());
            List<String> members = IntStream.rangeClosed(1, controllersPerSite)
                    .mapToObj(i -> site.name() + "-c" + i)
                    .toList();
            RaftGroup raft = RaftGroup.open(
                    site.name(), members, siteDir.resolve("raft"), SiteStateMachine::new, RaftTimings.defaults());
            groups.add(raft);
            Map<String, NodeAgentPort> siteAgents = new LinkedHashMap<>();
            for (NodeInfo node : siteTopology.nodes()) {
                NodeAgent agent = NodeAgent.withProcessDriver(
                        node, siteDir.resolve("nodes").resolve(node.name()));
                agents.add(agent);
                siteAgents.put(node.name(), agent);
            }
            SiteController controller = new SiteController(site, raft, siteAgents, clock, events, seed++);
            controllers.add(controller);
            federation.join(controller);
            nodesOf.put(controller, siteTopology.nodes());
        }
        List<CompletableFuture<Void>> started = new ArrayList<>();
        // Each site sees the federation from where it stands: a cut-off site reaches nobody, as on a real network.
        nodesOf.forEach((controller, nodes) -> started.add(
                controller.start(federation.seenFrom(controller.site().name()), nodes)));
        CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        cloud = FederatedCloud.inProcess(
                controllers, controllers.getFirst().site().name(), events, clock, federation::deadSites);
        api = ApiServer.start(cloud, host, port);
    }

    public static DevCloud start(Topology topology, Path dataDir, int controllersPerSite, String host, int port)
            throws Exception {
        return new DevCloud(topology, dataDir, controllersPerSite, host, port);
    }

    public FederatedCloud cloud() {
        return cloud;
    }

    public ApiServer api() {
        return api;
    }

    /**
     * Simulates a node crash: its agent and every process it runs stop at once, and it stops
     * heartbeating. Its site notices, declares it down and the homes place its replicas again.
     */
    public void crashNode(String site, String node) {
        NodeAgent agent = agents.stream()
                .filter(a -> a.node().site().equals(site) && a.node().name().equals(node))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + site + "/" + node));
        agent.stopAll();
        agent.close();
        crashed.add(agent);
    }

    /** Simulates a partition: no other site reaches this one, which keeps running what it has. */
    public void cutOff(String site) {
        federation.cutOff(site);
    }

    /** Ends a partition made by {@link #cutOff}. */
    public void reconnect(String site) {
        federation.reconnect(site);
    }

    /** Simulates the loss of a whole site: cut off, and every node of it crashed. */
    public void crashSite(String site) {
        federation.cutOff(site);
        agents.stream()
                .filter(a -> a.node().site().equals(site) && !crashed.contains(a))
                .toList()
                .forEach(a -> crashNode(site, a.node().name()));
    }

    /** Stops every instance this cloud runs (a graceful `atoll dev` exit leaves nothing behind). */
    public void stopInstances() {
        agents.stream().filter(a -> !crashed.contains(a)).forEach(NodeAgent::stopAll);
    }

    @Override
    public void close() {
        try {
            api.close();
        } catch (Exception e) {
            // closing anyway
        }
        controllers.forEach(SiteController::close);
        agents.forEach(NodeAgent::close);
        groups.forEach(RaftGroup::close);
    }
}
