package dev.atoll.cli.site;

import dev.atoll.api.ApiServer;
import dev.atoll.cli.HostPort;
import dev.atoll.control.cloud.EventLog;
import dev.atoll.control.cloud.FederatedCloud;
import dev.atoll.control.cloud.LocalSiteShare;
import dev.atoll.control.cloud.RemoteSiteShare;
import dev.atoll.control.cloud.ShareCallHandler;
import dev.atoll.control.cloud.SiteShare;
import dev.atoll.control.federation.NetworkFederation;
import dev.atoll.control.federation.SiteCallHandler;
import dev.atoll.control.federation.SiteCaller;
import dev.atoll.control.gossip.GossipTimings;
import dev.atoll.control.gossip.ScalecubeMembership;
import dev.atoll.control.gossip.SiteCard;
import dev.atoll.control.gossip.SiteDirectory;
import dev.atoll.control.node.AgentGateway;
import dev.atoll.control.raft.RaftGroup;
import dev.atoll.control.raft.RaftTimings;
import dev.atoll.control.site.SiteController;
import dev.atoll.control.site.SiteStateMachine;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.model.view.SiteView;
import dev.atoll.wire.CallFailedException;
import dev.atoll.wire.Hello;
import dev.atoll.wire.WireServer;
import dev.atoll.wire.WireSettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One site as its own process (`atoll site`): its Raft log on disk, its controller, the wire port
 * where agents and other sites call it, gossip with the other sites, and the REST API for the whole
 * cloud, answered by asking every reachable site for its share.
 */
public final class SiteServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SiteServer.class);
    private static final String VERSION = "0.1.0";

    /** What `atoll site` was told. */
    public record Settings(
            SiteInfo site,
            InetSocketAddress listen,
            InetSocketAddress api,
            List<InetSocketAddress> join,
            Path dataDir) {}

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final SiteController controller;
    private final SiteDirectory directory;
    private final ScalecubeMembership membership;
    private final WireServer wire;
    private final ApiServer api;
    private final ScheduledExecutorService scheduler;

    private SiteServer(Settings settings) throws Exception {
        SiteInfo site = settings.site();
        Clock clock = Clock.systemUTC();
        String memberId = site.name() + "-c1";
        scheduler = Executors.newScheduledThreadPool(
                1,
                Thread.ofPlatform()
                        .name("site-" + site.name() + "-gossip")
                        .daemon()
                        .factory());
        resources.add(scheduler::shutdownNow);
        try {
            RaftGroup raft = RaftGroup.open(
                    site.name(),
                    List.of(memberId),
                    settings.dataDir().resolve("raft"),
                    SiteStateMachine::new,
                    RaftTimings.defaults());
            resources.add(raft);
            EventLog events = new EventLog(clock, 1000);
            controller = new SiteController(
                    site, raft, Map.of(), clock, events, site.name().hashCode());
            resources.add(controller);

            String wireText = HostPort.text(settings.listen());
            String apiUrl = "http://" + HostPort.text(settings.api());
            SiteCard first = SiteCard.of(controller.summary(), apiUrl, List.of(wireText), 0, VERSION);
            membership = ScalecubeMembership.start(
                    first,
                    settings.listen().getAddress().getHostAddress(),
                    settings.listen().getPort() + 1,
                    settings.join().stream()
                            .map(a -> a.getAddress().getHostAddress() + ":" + (a.getPort() + 1))
                            .toList(),
                    GossipTimings.LAN,
                    clock,
                    scheduler);
            resources.add(membership);
            directory = SiteDirectory.open(membership, clock, scheduler, SiteDirectory.Settings.DEFAULT);
            resources.add(directory);

            SiteCaller caller = new SiteCaller(directory, Hello.of(site.name(), memberId), WireSettings.defaults());
            resources.add(caller);
            var federation = new NetworkFederation(controller, directory, caller);
            controller.start(federation, List.of()).get(60, TimeUnit.SECONDS);

            LocalSiteShare localShare = new LocalSiteShare(controller, clock);
            AgentGateway agents = new AgentGateway(controller, memberId);
            SiteCallHandler siteCalls = new SiteCallHandler(controller);
            ShareCallHandler shareCalls = new ShareCallHandler(localShare);
            wire = new WireServer(
                    settings.listen(),
                    WireSettings.defaults(),
                    hello -> Optional.empty(),
                    Map.of(),
                    (from, method, body) -> {
                        if (AgentGateway.serves(method)) return agents.handle(method, body);
                        if (SiteCallHandler.serves(method)) return siteCalls.handle(method, body);
                        if (ShareCallHandler.serves(method)) return shareCalls.handle(method, body);
                        return CompletableFuture.failedFuture(new CallFailedException(
                                CallFailedException.Reason.UNKNOWN_METHOD, "no method " + method));
                    });
            wire.start();
            resources.add(wire);

            scheduler.scheduleWithFixedDelay(() -> publishCard(apiUrl, wireText), 200, 200, TimeUnit.MILLISECONDS);

            FederatedCloud cloud = new FederatedCloud(
                    localShare,
                    () -> {
                        List<SiteShare> shares = new ArrayList<>();
                        shares.add(localShare);
                        var dead = directory.deadSites();
                        for (String other : directory.siteNames()) {
                            if (other.equals(site.name()) || dead.contains(other)) continue;
                            shares.add(new RemoteSiteShare(other, caller));
                        }
                        return shares;
                    },
                    () -> unreachableSites(site.name()),
                    events);
            api = ApiServer.start(
                    cloud,
                    settings.api().getAddress().getHostAddress(),
                    settings.api().getPort());
            resources.add(api);
            siteMeters(api.metrics(), agents);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private void siteMeters(io.micrometer.core.instrument.MeterRegistry registry, AgentGateway agents) {
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "atoll_offers", controller, c -> (double) c.offersAccepted())
                .tag("outcome", "accepted")
                .description("Offers this site made as a home, by answer")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "atoll_offers", controller, c -> (double) c.offersRejected())
                .tag("outcome", "rejected")
                .description("Offers this site made as a home, by answer")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(
                        "atoll_gossip_members",
                        directory,
                        d -> d.siteNames().size() - d.deadSites().size())
                .description("Sites this site knows alive by gossip, itself included")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("atoll_wire_protocol_violations", wire, w -> w.protocolViolations())
                .description("Wire connections closed because the peer broke the protocol")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("atoll_agents_joined", agents, AgentGateway::joinedCount)
                .description("Node agents that joined this controller")
                .register(registry);
    }

    public static SiteServer start(Settings settings) throws Exception {
        return new SiteServer(settings);
    }

    private String lastCard = "";

    private void publishCard(String apiUrl, String wireText) {
        try {
            var summary = controller.summary();
            int instances = controller.read(state -> state.instances().size());
            SiteCard card = SiteCard.of(summary, apiUrl, List.of(wireText), instances, VERSION);
            String key = card.toString();
            if (!key.equals(lastCard)) {
                directory.publish(card);
                lastCard = key;
            }
        } catch (RuntimeException e) {
            LOG.warn("site {}: cannot publish its card", controller.site().name(), e);
        }
    }

    private List<SiteView> unreachableSites(String self) {
        List<SiteView> views = new ArrayList<>();
        var dead = directory.deadSites();
        for (String other : directory.siteNames()) {
            if (other.equals(self) || !dead.contains(other)) continue;
            directory
                    .siteInfo(other)
                    .ifPresent(info -> views.add(new SiteView(
                            info.name(),
                            info.country(),
                            info.jurisdiction(),
                            info.location().lat(),
                            info.location().lon(),
                            info.tags(),
                            "unreachable",
                            "",
                            List.of(),
                            0,
                            0,
                            dev.atoll.model.Resources.ZERO,
                            dev.atoll.model.Resources.ZERO)));
        }
        return views;
    }

    public InetSocketAddress wireAddress() {
        return wire.address();
    }

    public InetSocketAddress gossipAddress() {
        return HostPort.parse(membership.address());
    }

    public URI apiUri() {
        return api.uri();
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.debug("closing {} failed: {}", resources.get(i), e.toString());
            }
        }
        resources.clear();
    }
}
