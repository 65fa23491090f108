package dev.atoll.cli.dev;

import dev.atoll.agent.AgentSettings;
import dev.atoll.agent.NodeAgent;
import dev.atoll.agent.driver.NodeDrivers;
import dev.atoll.api.ApiServer;
import dev.atoll.control.cloud.EventLog;
import dev.atoll.control.cloud.FederatedCloud;
import dev.atoll.control.federation.LocalFederation;
import dev.atoll.control.image.ImageCallHandler;
import dev.atoll.control.image.SiteImages;
import dev.atoll.control.network.Ingress;
import dev.atoll.control.raft.RaftGroup;
import dev.atoll.control.raft.RaftTimings;
import dev.atoll.control.site.SiteController;
import dev.atoll.control.site.SiteStateMachine;
import dev.atoll.image.NodeImageCache;
import dev.atoll.image.remote.Caller;
import dev.atoll.image.remote.RemoteBlobPeer;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.Topologies;
import dev.atoll.model.topology.Topology;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private final List<Ingress> ingresses = new ArrayList<>();
    private final List<dev.atoll.control.rebalance.SitePlanner> planners = new ArrayList<>();
    private final List<java.util.concurrent.ScheduledExecutorService> planLoops = new ArrayList<>();
    private final java.util.concurrent.ExecutorService planSolver =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    private final java.util.concurrent.ScheduledExecutorService ingressSyncs =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("atoll-dev-ingress").daemon().factory());
    private final List<NodeAgent> agents = new ArrayList<>();
    private final java.util.Set<NodeAgent> crashed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final FederatedCloud cloud;
    private final LocalFederation federation;
    private final ApiServer api;
    /** In-process image calls wait like wire ones: an image fetched from another site can be large. */
    private static final java.time.Duration IMAGE_CALL_TIMEOUT = java.time.Duration.ofMinutes(5);

    private final Map<String, SiteImages> siteImages = new LinkedHashMap<>();
    private final Map<String, ImageCallHandler> imageCalls = new LinkedHashMap<>();

    /** Every meter of the cloud's sites and nodes, served at the API's /metrics. */
    private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                    io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);

    /** Every span of the cloud (API, sites, agents): one process, so one ring holds a deploy's whole trace. */
    private final dev.atoll.api.trace.OtelTracing tracing =
            dev.atoll.api.trace.OtelTracing.create("atoll-dev", System.getenv());

    private final List<dev.atoll.control.rebalance.SiteRebalancer> rebalancers = new ArrayList<>();

    private DevCloud(
            Topology topology,
            Path dataDir,
            int controllersPerSite,
            String host,
            int port,
            dev.atoll.control.rebalance.RebalanceSettings rebalancing)
            throws Exception {
        Clock clock = Clock.systemUTC();
        var controlMetrics = new dev.atoll.api.metrics.MicrometerControlMetrics(registry);
        EventLog events = new EventLog(clock, 1000);
        federation = new LocalFederation();
        for (var siteTopology : topology.sites()) {
            String name = siteTopology.site().name();
            SiteImages images = new SiteImages(
                    name, dataDir.resolve("sites").resolve(name).resolve("images"), () -> otherSites(name));
            siteImages.put(name, images);
            imageCalls.put(name, new ImageCallHandler(images));
        }
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
            List<NodeInfo> nodes = new ArrayList<>();
            for (NodeInfo listed : siteTopology.nodes()) {
                Path nodeDir = siteDir.resolve("nodes").resolve(listed.name());
                // A node the topology leaves at the default runs whatever works on this machine.
                var found = NodeDrivers.detect(
                        listed.drivers().equals(Topologies.DEFAULT_NODE_DRIVERS)
                                ? Set.of()
                                : listed.drivers().stream()
                                        .map(d -> DriverKind.fromWireName(d).orElseThrow())
                                        .collect(java.util.stream.Collectors.toSet()),
                        nodeDir.resolve("drivers"),
                        Optional.empty());
                NodeInfo node = new NodeInfo(
                        listed.site(),
                        listed.name(),
                        listed.capacity(),
                        listed.instanceSlots(),
                        found.names(),
                        listed.tags(),
                        found.details());
                String siteName = site.name();
                var images = new NodeImageCache(
                        nodeDir.resolve("images"),
                        () -> List.of(new RemoteBlobPeer("site " + siteName, callerOf(siteName), true)));
                NodeAgent agent = new NodeAgent(node, nodeDir, found.drivers(), images, clock, AgentSettings.DEFAULTS)
                        .withTracing(tracing);
                agents.add(agent);
                siteAgents.put(node.name(), agent);
                nodes.add(node);
            }
            SiteController controller = new SiteController(site, raft, siteAgents, clock, events, seed++)
                    .withMetrics(controlMetrics.forSite(site.name()))
                    .withTracing(tracing);
            controllers.add(controller);
            federation.join(controller);
            nodesOf.put(controller, nodes);
        }
        List<CompletableFuture<Void>> started = new ArrayList<>();
        // Each site sees the federation from where it stands: a cut-off site reaches nobody, as on a real network.
        nodesOf.forEach((controller, nodes) -> started.add(
                controller.start(federation.seenFrom(controller.site().name()), nodes)));
        CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        // Each site's background optimizer: a plan when asked (GET /v1/plans, atoll plan show),
        // applied only when a cloud admin asks (atoll plan apply). Its own loop per site, solves on
        // virtual threads.
        Map<String, SiteController> byName = new java.util.LinkedHashMap<>();
        for (SiteController c : controllers) byName.put(c.site().name(), c);
        for (SiteController controller : controllers) {
            var loop = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                    .daemon()
                    .name("plans-" + controller.site().name())
                    .factory());
            planLoops.add(loop);
            var planner = new dev.atoll.control.rebalance.SitePlanner(
                            controller,
                            dev.atoll.control.rebalance.PlanSettings.DEFAULT,
                            clock,
                            loop,
                            planSolver,
                            (home, move) -> byName.get(home).requestMove(move),
                            controller.site().name().hashCode())
                    .start();
            planners.add(planner);
            controller.withPlans(planner);
            if (rebalancing.enabled()) {
                // Overloaded nodes (measured by their agents) shed replicas to their neighbours.
                rebalancers.add(new dev.atoll.control.rebalance.SiteRebalancer(
                                controller,
                                rebalancing,
                                clock,
                                loop,
                                (home, move) -> byName.get(home).requestMove(move),
                                controller.site().name().hashCode())
                        .start());
            }
        }
        String entry = controllers.getFirst().site().name();
        cloud = FederatedCloud.inProcess(controllers, entry, events, clock, federation::deadSites)
                .withImages(siteImages.get(entry));
        // Every site publishes on a loopback address of its own, so that one public port can be
        // published at each: the first site at 127.0.0.1, the second at 127.0.0.2, and so on.
        int loopback = 1;
        for (SiteController controller : controllers) {
            ingresses.add(new Ingress(
                            controller.site().name(),
                            java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) loopback++}),
                            controller.networkDirectory()::members,
                            controller::rttMicrosToOtherSites)
                    .start(ingressSyncs));
        }
        api = ApiServer.start(cloud, host, port, dev.atoll.api.ApiOptions.defaults(), registry, tracing);
        var siteMeters = new dev.atoll.cli.site.SiteMeters(registry, () -> controllers, () -> groups);
        var agentMeters = new dev.atoll.cli.agent.AgentMeters(
                registry,
                () -> agents.stream().filter(a -> !crashed.contains(a)).toList());
        api.beforeScrape(siteMeters::refresh);
        api.beforeScrape(agentMeters::refresh);
        adminToken = dev.atoll.cli.site.AdminToken.ensure(
                cloud, dataDir.resolve("admin-token"), clock, new java.security.SecureRandom());
    }

    private final String adminToken;

    /** A cloud admin's token (an admin of tenant "default"), kept in the data dir across restarts. */
    public String adminToken() {
        return adminToken;
    }

    /** The other sites a site reaches now, for its images: in-process calls to their handlers. */
    private List<SiteImages.OtherSite> otherSites(String self) {
        Set<String> dead = federation.deadSites();
        return siteImages.keySet().stream()
                .filter(other -> !other.equals(self) && !dead.contains(other) && !dead.contains(self))
                .map(other -> new SiteImages.OtherSite(other, callerOf(other)))
                .toList();
    }

    private Caller callerOf(String site) {
        return SiteImages.OtherSite.calling(site, IMAGE_CALL_TIMEOUT, (method, body) -> imageCalls
                        .get(site)
                        .handle(method, body))
                .caller();
    }

    public static DevCloud start(Topology topology, Path dataDir, int controllersPerSite, String host, int port)
            throws Exception {
        return start(
                topology, dataDir, controllersPerSite, host, port, dev.atoll.control.rebalance.RebalanceSettings.OFF);
    }

    /** @param rebalancing whether and how overloaded nodes shed replicas to their neighbours (off: never) */
    public static DevCloud start(
            Topology topology,
            Path dataDir,
            int controllersPerSite,
            String host,
            int port,
            dev.atoll.control.rebalance.RebalanceSettings rebalancing)
            throws Exception {
        return new DevCloud(topology, dataDir, controllersPerSite, host, port, rebalancing);
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
        ingresses.forEach(Ingress::close);
        ingressSyncs.shutdownNow();
        rebalancers.forEach(dev.atoll.control.rebalance.SiteRebalancer::close);
        planners.forEach(dev.atoll.control.rebalance.SitePlanner::close);
        planLoops.forEach(java.util.concurrent.ExecutorService::shutdownNow);
        planSolver.shutdownNow();
        controllers.forEach(SiteController::close);
        agents.forEach(NodeAgent::close);
        groups.forEach(RaftGroup::close);
        registry.close();
        tracing.close();
    }
}
