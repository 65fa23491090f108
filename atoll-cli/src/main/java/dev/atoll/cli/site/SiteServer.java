package dev.atoll.cli.site;

import dev.atoll.api.ApiServer;
import dev.atoll.cli.HostPort;
import dev.atoll.control.cloud.CloudApi;
import dev.atoll.control.cloud.EventLog;
import dev.atoll.control.cloud.FederatedCloud;
import dev.atoll.control.cloud.LocalSiteShare;
import dev.atoll.control.cloud.RemoteSiteShare;
import dev.atoll.control.cloud.ShareCallHandler;
import dev.atoll.control.cloud.SiteShare;
import dev.atoll.control.federation.CallBodies;
import dev.atoll.control.federation.NetworkFederation;
import dev.atoll.control.federation.SiteCallHandler;
import dev.atoll.control.federation.SiteCaller;
import dev.atoll.control.federation.SiteCalls;
import dev.atoll.control.gossip.GossipTimings;
import dev.atoll.control.gossip.ScalecubeMembership;
import dev.atoll.control.gossip.SiteCard;
import dev.atoll.control.gossip.SiteDirectory;
import dev.atoll.control.image.ImageCallHandler;
import dev.atoll.control.image.SiteImages;
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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One site controller as its own process (`atoll site`): its Raft log on disk, the wire port where
 * agents and other sites call it, and the REST API for the whole cloud, answered by asking every
 * reachable site for its share.
 *
 * <p>Alone (no peers) the controller is its site: a Raft group of one member in this process, and
 * everything below runs from the start. With peers, the site's Raft group has one member per
 * controller process (member ids {@link #memberId}, Raft on the --listen port + 2), and only the
 * controller whose member leads acts as the site: it runs the {@link SiteController}, gossips the
 * site's card (listing every controller's wire address) and answers wire calls, for as long as it
 * leads (a {@link Lead}). Followers refuse every wire call with {@link SiteCalls#NOT_LEADER}, so
 * agents and other sites move on to the next address, and serve the REST API by asking the leader
 * (their own site as a {@link RemoteSiteShare} reached through the --peers addresses) and the sites
 * the leader tells them of.
 */
public final class SiteServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SiteServer.class);
    private static final String VERSION = "0.1.0";
    private static final Duration LEADERSHIP_POLL = Duration.ofMillis(100);
    private static final Duration KNOWN_SITES_REFRESH = Duration.ofSeconds(1);
    /** A chunk of an image between sites: large, and a WAN link may be slow. */
    private static final Duration IMAGE_CALL_TIMEOUT = Duration.ofSeconds(60);

    /**
     * What `atoll site` was told.
     *
     * @param peers the --listen addresses of the site's other controllers; empty for one controller
     * @param ingress where published ports are listened on (empty: the --listen host)
     * @param networkPool where tenant networks are carved from
     * @param rebalancing whether and how the site relieves its overloaded nodes (--rebalance)
     */
    public record Settings(
            SiteInfo site,
            InetSocketAddress listen,
            InetSocketAddress api,
            List<InetSocketAddress> join,
            Path dataDir,
            List<InetSocketAddress> peers,
            Optional<java.net.InetAddress> ingress,
            dev.atoll.net.ipam.Subnet networkPool,
            Optional<SiteIdentity> tls,
            dev.atoll.control.rebalance.RebalanceSettings rebalancing,
            dev.atoll.control.rebalance.PlanSettings planning) {
        public Settings {
            planning = planning == null ? dev.atoll.control.rebalance.PlanSettings.DEFAULT : planning;
            tls = tls == null ? Optional.empty() : tls;
            rebalancing = rebalancing == null ? dev.atoll.control.rebalance.RebalanceSettings.OFF : rebalancing;
            peers = List.copyOf(peers);
            ingress = ingress == null ? Optional.empty() : ingress;
            networkPool = networkPool == null ? dev.atoll.net.ipam.NetworkAddressing.DEFAULT_POOL : networkPool;
        }

        public Settings(
                SiteInfo site,
                InetSocketAddress listen,
                InetSocketAddress api,
                List<InetSocketAddress> join,
                Path dataDir,
                List<InetSocketAddress> peers) {
            this(site, listen, api, join, dataDir, peers, Optional.empty(), null, Optional.empty(), null, null);
        }

        public Settings(
                SiteInfo site,
                InetSocketAddress listen,
                InetSocketAddress api,
                List<InetSocketAddress> join,
                Path dataDir,
                List<InetSocketAddress> peers,
                Optional<java.net.InetAddress> ingress,
                dev.atoll.net.ipam.Subnet networkPool) {
            this(site, listen, api, join, dataDir, peers, ingress, networkPool, Optional.empty(), null, null);
        }

        /** Published ports are listened on here. */
        public java.net.InetAddress ingressAddress() {
            return ingress.orElse(listen.getAddress());
        }

        public Settings(
                SiteInfo site,
                InetSocketAddress listen,
                InetSocketAddress api,
                List<InetSocketAddress> join,
                Path dataDir) {
            this(site, listen, api, join, dataDir, List.of());
        }
    }

    private final Settings settings;
    private final SiteInfo site;
    private final Clock clock = Clock.systemUTC();
    private final String memberId;
    private final String apiUrl;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final EventLog events;
    private final RaftGroup raft;
    private final WireServer wire;
    private final ApiServer api;
    /** What the API serves: the lead's cloud, or whichever of lead and follower this process is now. */
    private final CloudApi apiCloud;
    /** With peers only: how this controller answers while it follows. */
    private final FollowerView follower;

    /** Where the controller says what it does (starts or stops acting as the site). */
    private final Consumer<String> say;

    /** Every meter of this process, served at the API's /metrics. */
    private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                    io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    /** The spans of this controller: its API's deploys, its placements as a home and offers as a target. */
    private final dev.atoll.api.trace.OtelTracing tracing;

    /** What the controller of every term counts into (one set of series for the site). */
    private final dev.atoll.api.metrics.MicrometerControlMetrics controlMetrics;

    /** The site as run by this controller while its Raft member leads; null while it follows. */
    private volatile Lead lead;

    private SiteServer(Settings settings, Consumer<String> say) throws Exception {
        this.settings = settings;
        this.say = say;
        this.site = settings.site();
        boolean alone = settings.peers().isEmpty();
        this.memberId = alone ? site.name() + "-c1" : memberId(settings.listen());
        this.apiUrl = "http://" + HostPort.text(settings.api());
        scheduler = Executors.newScheduledThreadPool(
                1,
                Thread.ofPlatform()
                        .name("site-" + site.name() + "-gossip")
                        .daemon()
                        .factory());
        resources.add(scheduler::shutdownNow);
        resources.add(registry::close);
        tracing = dev.atoll.api.trace.OtelTracing.create("atoll-site " + site.name(), System.getenv());
        resources.add(tracing);
        controlMetrics = new dev.atoll.api.metrics.MicrometerControlMetrics(registry).forSite(site.name());
        try {
            events = new EventLog(clock, 1000);
            if (alone) {
                raft = RaftGroup.open(
                        site.name(),
                        List.of(memberId),
                        settings.dataDir().resolve("raft"),
                        SiteStateMachine::new,
                        RaftTimings.defaults());
                resources.add(raft);
                lead = new Lead(settings.join());
                resources.add(() -> lead.close());
                follower = null;
            } else {
                raft = RaftGroup.openMember(
                        site.name(),
                        memberId,
                        raftMembers(settings.listen(), settings.peers()),
                        settings.dataDir().resolve("raft"),
                        SiteStateMachine::new,
                        RaftTimings.defaults(),
                        raftAddress(settings.listen()),
                        WireSettings.defaults(),
                        dev.atoll.control.raft.ResultCodec.BASIC,
                        // Raft: the certificates of this site's own controllers only.
                        settings.tls()
                                .map(t -> dev.atoll.wire.tls.WireTls.accepting(
                                                t.identity(), dev.atoll.wire.tls.PeerRole.SITE)
                                        .sameGroupOnly())
                                .orElse(null));
                resources.add(raft);
                follower = new FollowerView();
                resources.add(follower);
            }
            wire = new WireServer(
                    settings.listen(),
                    WireSettings.defaults(),
                    hello -> Optional.empty(),
                    Map.of(),
                    new dev.atoll.wire.RequestHandler() {
                        @Override
                        public CompletableFuture<byte[]> handle(Hello from, String method, byte[] body) {
                            return answer(from, Optional.empty(), method, body);
                        }

                        @Override
                        public CompletableFuture<byte[]> handle(
                                Hello from,
                                Optional<dev.atoll.wire.tls.PeerIdentity> certified,
                                String method,
                                byte[] body) {
                            return answer(from, certified, method, body);
                        }
                    },
                    wireTls());
            settings.tls().ifPresent(t -> {
                var renewal = new dev.atoll.wire.tls.CertificateRenewal(
                                t.identity(),
                                settings.dataDir(),
                                csr -> CompletableFuture.supplyAsync(() -> t.ca().issue(
                                                csr,
                                                dev.atoll.wire.tls.PeerRole.SITE,
                                                site.name(),
                                                clock.instant().minus(Duration.ofMinutes(1)),
                                                t.lifetime())),
                                scheduler)
                        .start();
                resources.add(renewal);
            });
            wire.start();
            resources.add(wire);
            CloudApi cloud = alone ? lead.cloud : new ByRole();
            apiCloud = cloud;
            api = ApiServer.start(
                    cloud,
                    settings.api().getAddress().getHostAddress(),
                    settings.api().getPort(),
                    dev.atoll.api.ApiOptions.defaults(),
                    registry,
                    tracing);
            resources.add(api);
            siteMeters(api);
            if (!alone) {
                ScheduledExecutorService leadership = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                        .name("site-" + site.name() + "-leadership")
                        .daemon()
                        .factory());
                // Registered before the lead, so closing stops the watch before the lead stops.
                resources.add(() -> {
                    leadership.shutdownNow();
                    leadership.awaitTermination(10, TimeUnit.SECONDS);
                    Lead last = lead;
                    lead = null;
                    if (last != null) last.close();
                });
                leadership.scheduleWithFixedDelay(
                        this::followLeadership, 0, LEADERSHIP_POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    public static SiteServer start(Settings settings) throws Exception {
        return new SiteServer(settings, line -> {});
    }

    /** @param say told a line whenever this controller starts or stops acting as its site (with peers) */
    public static SiteServer start(Settings settings, Consumer<String> say) throws Exception {
        return new SiteServer(settings, say);
    }

    /** The Raft member id of the controller listening for wire calls on {@code listen}: HOST_PORT. */
    public static String memberId(InetSocketAddress listen) {
        return listen.getAddress().getHostAddress().replace(':', '.') + "_" + listen.getPort();
    }

    /** Where the controller listening for wire calls on {@code listen} takes Raft traffic: PORT + 2. */
    public static InetSocketAddress raftAddress(InetSocketAddress listen) {
        return new InetSocketAddress(listen.getAddress(), listen.getPort() + 2);
    }

    private static Map<String, InetSocketAddress> raftMembers(InetSocketAddress self, List<InetSocketAddress> peers) {
        Map<String, InetSocketAddress> members = new LinkedHashMap<>();
        members.put(memberId(self), raftAddress(self));
        for (InetSocketAddress peer : peers) members.put(memberId(peer), raftAddress(peer));
        return members;
    }

    /** Every controller's wire address, this one first. */
    private List<String> controllerWireTexts() {
        List<String> all = new ArrayList<>();
        all.add(HostPort.text(settings.listen()));
        settings.peers().forEach(p -> all.add(HostPort.text(p)));
        return all;
    }

    // --- leadership ----------------------------------------------------------------------------

    /** Starts acting as the site when the local member has become leader, stops when it no longer leads. */
    private void followLeadership() {
        try {
            boolean leads = raft.leadsLocally();
            Lead current = lead;
            if (leads && current == null) {
                long started = System.nanoTime();
                List<InetSocketAddress> seeds = new ArrayList<>(settings.join());
                seeds.addAll(follower.otherSitesWire());
                lead = new Lead(seeds);
                say.accept("controller " + memberId + " leads site " + site.name()
                        + ": acts as the site (agents, offers, gossip), ready "
                        + Duration.ofNanos(System.nanoTime() - started).toMillis()
                        + " ms after it found itself leader");
            } else if (!leads && current != null) {
                lead = null;
                current.close();
                say.accept("controller " + memberId + " no longer leads site " + site.name()
                        + raft.leaderId().map(id -> " (" + id + " does)").orElse("")
                        + ": it follows and answers the API by asking the leader");
            }
        } catch (Exception e) {
            LOG.warn("site {}: could not take over as leader; will retry: {}", site.name(), e.toString());
        }
    }

    /** Everything the controller runs while it leads its site; closed when it stops leading. */
    private final class Lead implements AutoCloseable {
        private final List<AutoCloseable> parts = new ArrayList<>();
        final SiteController controller;
        final SiteDirectory directory;
        final ScalecubeMembership membership;
        final AgentGateway agents;
        final SiteCallHandler siteCalls;
        final ShareCallHandler shareCalls;
        final ImageCallHandler imageCalls;
        /** Null when the site speaks plain TCP: nobody joins it. */
        final dev.atoll.control.join.JoinCallHandler joinCalls;

        final FederatedCloud cloud;
        private String lastCard = "";

        Lead(List<InetSocketAddress> gossipSeeds) throws Exception {
            try {
                // A fresh controller for every term as leader: its soft state (when agents were last
                // heard, offers under way, copies acknowledged) starts empty, as a new leader's must.
                controller = new SiteController(
                        site, raft, Map.of(), clock, events, site.name().hashCode());
                controller.withMetrics(controlMetrics).withTracing(tracing);
                controller.withNetworkAddressing(new dev.atoll.net.ipam.NetworkAddressing(
                        settings.networkPool(), dev.atoll.net.ipam.NetworkAddressing.DEFAULT_SUBNET_PREFIX));
                parts.add(controller);
                SiteCard first = SiteCard.of(controller.summary(), apiUrl, controllerWireTexts(), 0, VERSION);
                membership = ScalecubeMembership.start(
                        first,
                        settings.listen().getAddress().getHostAddress(),
                        settings.listen().getPort() + 1,
                        new LinkedHashSet<>(gossipSeeds)
                                .stream()
                                        .map(a -> a.getAddress().getHostAddress() + ":" + (a.getPort() + 1))
                                        .toList(),
                        GossipTimings.LAN,
                        clock,
                        scheduler,
                        // Gossip has no TLS: each card is signed by its site and checked on arrival.
                        settings.tls()
                                .map(t -> dev.atoll.control.gossip.CardSeal.signedBy(t.identity()))
                                .orElse(dev.atoll.control.gossip.CardSeal.NONE));
                parts.add(membership);
                directory = SiteDirectory.open(membership, clock, scheduler, SiteDirectory.Settings.DEFAULT);
                parts.add(directory);

                SiteCaller caller = new SiteCaller(
                        directory,
                        Hello.of(site.name(), memberId),
                        WireSettings.defaults(),
                        tlsFor(dev.atoll.wire.tls.PeerRole.SITE));
                parts.add(caller);
                var federation = new NetworkFederation(controller, directory, caller);
                controller.start(federation, List.of()).get(60, TimeUnit.SECONDS);

                // Each move goes to the replica's home, here or over the wire.
                dev.atoll.control.rebalance.HomeMoves homes = (home, move) -> home.equals(site.name())
                        ? controller.requestMove(move)
                        : new RemoteSiteShare(home, caller, tracing)
                                .move(move.id(), move.to().site(), move.to().node(), move.reason());
                // The site's background optimizer: a plan when asked (GET /v1/plans), applied when a
                // cloud admin asks.
                var solver = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
                parts.add(solver::shutdownNow);
                var planner = new dev.atoll.control.rebalance.SitePlanner(
                                controller,
                                settings.planning(),
                                clock,
                                scheduler,
                                solver,
                                homes,
                                site.name().hashCode())
                        .start();
                parts.add(planner);
                controller.withPlans(planner);
                if (settings.rebalancing().enabled()) {
                    // --rebalance: overloaded nodes (measured by their agents) shed replicas to their
                    // neighbours, as atoll dev --rebalance does at each of its sites.
                    parts.add(new dev.atoll.control.rebalance.SiteRebalancer(
                                    controller,
                                    settings.rebalancing(),
                                    clock,
                                    scheduler,
                                    homes,
                                    site.name().hashCode())
                            .start());
                    var policy = settings.rebalancing().policy();
                    say.accept(String.format(
                            java.util.Locale.ROOT,
                            "site %s relieves its overloaded nodes (--rebalance): above %.0f%% cpu or %.0f%% memory"
                                    + " for %d s, replicas move to its other nodes first, then the nearest sites",
                            site.name(),
                            policy.cpuThreshold() * 100,
                            policy.memoryThreshold() * 100,
                            policy.windowMillis() / 1000));
                }

                LocalSiteShare localShare = new LocalSiteShare(controller, clock);
                agents = new AgentGateway(
                        controller,
                        memberId,
                        settings.tls().map(t -> t.identity().sslContext()).orElse(null));
                siteCalls = new SiteCallHandler(controller);
                shareCalls = new ShareCallHandler(localShare, tracing);

                ScheduledFuture<?> publishing =
                        scheduler.scheduleWithFixedDelay(this::publishCard, 200, 200, TimeUnit.MILLISECONDS);
                parts.add(() -> publishing.cancel(false));

                cloud = new FederatedCloud(
                                localShare,
                                () -> {
                                    List<SiteShare> shares = new ArrayList<>();
                                    shares.add(localShare);
                                    var dead = directory.deadSites();
                                    for (String other : directory.siteNames()) {
                                        if (other.equals(site.name()) || dead.contains(other)) continue;
                                        shares.add(new RemoteSiteShare(other, caller, tracing));
                                    }
                                    return shares;
                                },
                                this::unreachableSites,
                                events)
                        .withClock(clock);
                SiteImages images = new SiteImages(
                        site.name(), settings.dataDir().resolve("images"), () -> otherSitesNearestFirst(caller));
                imageCalls = new ImageCallHandler(images);
                joinCalls = settings.tls()
                        .map(t -> new dev.atoll.control.join.JoinCallHandler(
                                site.name(),
                                t.ca(),
                                command -> controller.submit(command).thenApply(applied -> applied.response()),
                                clock,
                                t.lifetime()))
                        .orElse(null);
                cloud.withImages(images);
                cloud.withNetworkMembers(controller.networkDirectory()::members);
                parts.add(new dev.atoll.control.network.Ingress(
                                site.name(),
                                settings.ingressAddress(),
                                controller.networkDirectory()::members,
                                controller::rttMicrosToOtherSites)
                        .start(scheduler));
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        /** The sites reachable now, nearest (by measured RTT) first, for fetching images. */
        private List<SiteImages.OtherSite> otherSitesNearestFirst(SiteCaller caller) {
            var dead = directory.deadSites();
            Map<String, Duration> rtt = directory.rtt();
            return directory.siteNames().stream()
                    .filter(other -> !other.equals(site.name()) && !dead.contains(other))
                    .sorted(java.util.Comparator.comparing(
                            (String other) -> rtt.getOrDefault(other, Duration.ofDays(1))))
                    .map(other -> SiteImages.OtherSite.calling(
                            other,
                            IMAGE_CALL_TIMEOUT,
                            (method, body) -> caller.call(other, method, body, IMAGE_CALL_TIMEOUT)))
                    .toList();
        }

        CompletableFuture<byte[]> answer(
                Optional<dev.atoll.wire.tls.PeerIdentity> certified, String method, byte[] body) {
            if (joinCalls != null && dev.atoll.control.join.JoinCallHandler.serves(method)) {
                return joinCalls.handle(certified, method, body);
            }
            if (AgentGateway.serves(method)) {
                Optional<String> impostor = certified.flatMap(peer -> speaksForAnotherNode(peer, body));
                if (impostor.isPresent()) {
                    settings.tls().ifPresent(t -> t.identity()
                            .refusals()
                            .refused(
                                    "agent " + certified.get().name(),
                                    dev.atoll.wire.tls.RefusalReason.WRONG_ROLE,
                                    impostor.get()));
                    return CompletableFuture.failedFuture(
                            new CallFailedException(CallFailedException.Reason.REFUSED, "refused: " + impostor.get()));
                }
                return agents.handle(method, body);
            }
            if (ImageCallHandler.serves(method)) return imageCalls.handle(method, body);
            if (SiteCallHandler.serves(method)) return siteCalls.handle(method, body);
            if (ShareCallHandler.serves(method)) return shareCalls.handle(method, body);
            if (KnownSites.METHOD.equals(method)) return CompletableFuture.completedFuture(knownSites());
            return unknownMethod(method);
        }

        private void publishCard() {
            try {
                var summary = controller.summary();
                int instances = controller.read(state -> state.instances().size());
                SiteCard card = SiteCard.of(summary, apiUrl, controllerWireTexts(), instances, VERSION);
                String key = card.toString();
                if (!key.equals(lastCard)) {
                    directory.publish(card);
                    lastCard = key;
                }
            } catch (RuntimeException e) {
                LOG.warn("site {}: cannot publish its card", site.name(), e);
            }
        }

        private List<SiteView> unreachableSites() {
            List<SiteView> views = new ArrayList<>();
            var dead = directory.deadSites();
            for (String other : directory.siteNames()) {
                if (other.equals(site.name()) || !dead.contains(other)) continue;
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

        private byte[] knownSites() {
            List<KnownSites.Reachable> reachable = new ArrayList<>();
            var dead = directory.deadSites();
            for (String other : directory.siteNames()) {
                if (other.equals(site.name()) || dead.contains(other)) continue;
                reachable.add(new KnownSites.Reachable(
                        other,
                        directory.wireAddresses(other).stream()
                                .map(HostPort::text)
                                .toList()));
            }
            return CallBodies.write(new KnownSites(reachable, unreachableSites()));
        }

        @Override
        public void close() {
            for (int i = parts.size() - 1; i >= 0; i--) {
                try {
                    parts.get(i).close();
                } catch (Exception e) {
                    LOG.debug("closing {} failed: {}", parts.get(i), e.toString());
                }
            }
            parts.clear();
        }
    }

    // --- wire calls ----------------------------------------------------------------------------

    private CompletableFuture<byte[]> answer(
            Hello from, Optional<dev.atoll.wire.tls.PeerIdentity> certified, String method, byte[] body) {
        Lead current = lead;
        if (current != null) return current.answer(certified, method, body);
        if (AgentGateway.serves(method)
                || dev.atoll.control.join.JoinCallHandler.serves(method)
                || ImageCallHandler.serves(method)
                || SiteCallHandler.serves(method)
                || ShareCallHandler.serves(method)
                || KnownSites.METHOD.equals(method)) {
            return CompletableFuture.failedFuture(new CallFailedException(
                    CallFailedException.Reason.REFUSED,
                    "controller " + memberId + " of site " + site.name() + " is " + SiteCalls.NOT_LEADER
                            + raft.leaderId()
                                    .map(id -> " (the leader is " + id + ")")
                                    .orElse(" (no leader now)")));
        }
        return unknownMethod(method);
    }

    /**
     * Why an agent's call names another node than its certificate does (every {@code agent.*} body
     * names its node: a string, or the node's record with its name), or empty when it names its own.
     */
    private static Optional<String> speaksForAnotherNode(dev.atoll.wire.tls.PeerIdentity peer, byte[] body) {
        if (peer.role() != dev.atoll.wire.tls.PeerRole.AGENT) return Optional.empty();
        String named;
        try {
            var node = dev.atoll.model.json.AtollJson.internal().readTree(body).path("node");
            named = node.isTextual() ? node.asText() : node.path("name").asText("");
        } catch (IOException e) {
            return Optional.empty(); // the gateway answers a body it cannot read
        }
        return named.equals(peer.name())
                ? Optional.empty()
                : Optional.of("the certificate of node " + peer.name() + " cannot speak for node " + named);
    }

    /**
     * Who may call this controller over TLS: sites (offers, shares, Raft-free calls of other sites),
     * agents (their own calls, images, renewal), and processes without a certificate only to join.
     */
    private dev.atoll.wire.tls.WireTls wireTls() {
        return settings.tls()
                .map(t -> dev.atoll.wire.tls.WireTls.accepting(
                                t.identity(), dev.atoll.wire.tls.PeerRole.SITE, dev.atoll.wire.tls.PeerRole.AGENT)
                        .withAnonymous(java.util.Set.of(
                                dev.atoll.wire.tls.JoinCalls.JOIN_SITE, dev.atoll.wire.tls.JoinCalls.JOIN_AGENT))
                        .withMethod("site.", dev.atoll.wire.tls.PeerRole.SITE)
                        .withMethod("share.", dev.atoll.wire.tls.PeerRole.SITE)
                        .withMethod(KnownSites.METHOD, dev.atoll.wire.tls.PeerRole.SITE)
                        .withMethod("agent.", dev.atoll.wire.tls.PeerRole.AGENT))
                .orElse(null);
    }

    /** TLS towards peers of {@code role} (other sites, this site's other controllers); null: plain. */
    private dev.atoll.wire.tls.WireTls tlsFor(dev.atoll.wire.tls.PeerRole role) {
        return settings.tls()
                .map(t -> dev.atoll.wire.tls.WireTls.accepting(t.identity(), role))
                .orElse(null);
    }

    private static CompletableFuture<byte[]> unknownMethod(String method) {
        return CompletableFuture.failedFuture(
                new CallFailedException(CallFailedException.Reason.UNKNOWN_METHOD, "no method " + method));
    }

    /**
     * What a site's leader tells its followers of the other sites ({@link #METHOD}, empty request),
     * so that a follower's API lists the whole cloud without being a gossip member itself.
     */
    record KnownSites(List<Reachable> reachable, List<SiteView> unreachable) {
        static final String METHOD = "controller.known-sites";

        KnownSites {
            reachable = reachable == null ? List.of() : List.copyOf(reachable);
            unreachable = unreachable == null ? List.of() : List.copyOf(unreachable);
        }

        record Reachable(String site, List<String> wire) {}
    }

    // --- following -----------------------------------------------------------------------------

    /**
     * How a follower answers the REST API: its own site is a remote share reached through the
     * --peers addresses (so it lands at the leader), other sites are those the leader last reported.
     */
    private final class FollowerView implements dev.atoll.control.federation.SitePeers, AutoCloseable {
        private volatile KnownSites known = new KnownSites(List.of(), List.of());
        private final SiteCaller caller;
        private final RemoteSiteShare own;
        final FederatedCloud cloud;
        private final ScheduledFuture<?> refresh;

        FollowerView() {
            caller = new SiteCaller(
                    this,
                    Hello.of(site.name(), memberId),
                    WireSettings.defaults(),
                    tlsFor(dev.atoll.wire.tls.PeerRole.SITE));
            own = new RemoteSiteShare(site.name(), caller, tracing);
            cloud = new FederatedCloud(
                            own,
                            () -> {
                                List<SiteShare> shares = new ArrayList<>();
                                shares.add(own);
                                for (var other : known.reachable())
                                    shares.add(new RemoteSiteShare(other.site(), caller, tracing));
                                return shares;
                            },
                            () -> known.unreachable(),
                            events)
                    .withClock(clock);
            long every = KNOWN_SITES_REFRESH.toMillis();
            refresh = scheduler.scheduleWithFixedDelay(this::refresh, 0, every, TimeUnit.MILLISECONDS);
        }

        private void refresh() {
            if (lead != null) return;
            caller.call(site.name(), KnownSites.METHOD, new byte[0], FederatedCloud.READ_TIMEOUT)
                    .thenAccept(body -> known = CallBodies.answer(body, KnownSites.class))
                    .exceptionally(e -> null);
        }

        /** The wire addresses of the other sites the leader last reported, to find them by gossip. */
        List<InetSocketAddress> otherSitesWire() {
            List<InetSocketAddress> all = new ArrayList<>();
            for (var other : known.reachable()) {
                for (String text : other.wire()) {
                    try {
                        all.add(HostPort.parse(text));
                    } catch (RuntimeException e) {
                        LOG.debug("site {}: unusable address {} of {}", site.name(), text, other.site());
                    }
                }
            }
            return all;
        }

        @Override
        public java.util.Set<String> deadSites() {
            return java.util.Set.of();
        }

        @Override
        public List<String> siteNames() {
            List<String> names = new ArrayList<>();
            names.add(site.name());
            known.reachable().forEach(r -> names.add(r.site()));
            return names;
        }

        @Override
        public List<dev.atoll.placement.SiteSummary> summaries() {
            return List.of();
        }

        @Override
        public List<InetSocketAddress> wireAddresses(String name) {
            if (name.equals(site.name())) return settings.peers();
            for (var other : known.reachable()) {
                if (other.site().equals(name)) {
                    return other.wire().stream().map(HostPort::parse).toList();
                }
            }
            return List.of();
        }

        @Override
        public void close() {
            refresh.cancel(false);
            caller.close();
        }
    }

    /** The REST API of a controller with peers: the site's while it leads, the follower's view otherwise. */
    /**
     * Registers the admin token of {@code file} (made there when missing) in the cloud, in the
     * background: until the site's Raft group has a leader the cloud cannot commit it, so this tries
     * again, waiting longer each time (from half a second up to ten), for about five minutes.
     */
    public void registerAdminToken(Path file) throws IOException {
        String token = AdminToken.readOrCreate(file, new java.security.SecureRandom());
        Thread.ofVirtual().name("site-" + site.name() + "-admin-token").start(() -> {
            long waitMs = 500;
            for (int attempt = 0; attempt < 40; attempt++) {
                try {
                    if (AdminToken.register(apiCloud, token, clock)) {
                        LOG.info("site {}: the admin token of {} is registered", site.name(), file);
                    } else {
                        LOG.warn("site {}: the admin token of {} was revoked; make a new file", site.name(), file);
                    }
                    return;
                } catch (RuntimeException e) {
                    LOG.debug("site {}: admin token not registered yet: {}", site.name(), e.toString());
                }
                try {
                    Thread.sleep(waitMs);
                } catch (InterruptedException e) {
                    return;
                }
                waitMs = Math.min(10_000, waitMs * 2);
            }
            LOG.warn("site {}: gave up registering the admin token of {}", site.name(), file);
        });
    }

    private final class ByRole implements CloudApi {
        private CloudApi now() {
            Lead current = lead;
            return current != null ? current.cloud : follower.cloud;
        }

        @Override
        public void keepJoinToken(dev.atoll.control.join.JoinToken token) {
            now().keepJoinToken(token);
        }

        @Override
        public List<SiteView> sites() {
            return now().sites();
        }

        @Override
        public List<dev.atoll.model.view.NodeView> nodes() {
            return now().nodes();
        }

        @Override
        public List<dev.atoll.model.view.EnvironmentView> environments(String tenant) {
            return now().environments(tenant);
        }

        @Override
        public Optional<dev.atoll.model.view.EnvironmentView> environment(String tenant, String name) {
            return now().environment(tenant, name);
        }

        @Override
        public dev.atoll.model.view.DeployOutcome create(dev.atoll.model.spec.EnvironmentSpec spec) {
            return now().create(spec);
        }

        @Override
        public dev.atoll.model.view.DeployOutcome update(dev.atoll.model.spec.EnvironmentSpec spec) {
            return now().update(spec);
        }

        @Override
        public dev.atoll.model.view.DeployOutcome apply(dev.atoll.model.spec.EnvironmentSpec spec) {
            return now().apply(spec);
        }

        @Override
        public dev.atoll.model.view.DeployOutcome scale(
                String tenant, String environment, String service, int replicas) {
            return now().scale(tenant, environment, service, replicas);
        }

        @Override
        public dev.atoll.model.view.DeployOutcome delete(String tenant, String environment) {
            return now().delete(tenant, environment);
        }

        @Override
        public List<dev.atoll.model.instance.InstanceView> instances(String tenant, String environment, String site) {
            return now().instances(tenant, environment, site);
        }

        @Override
        public Optional<java.io.InputStream> openLog(String tenant, String instanceId, long fromOffset)
                throws java.io.IOException {
            return now().openLog(tenant, instanceId, fromOffset);
        }

        @Override
        public List<dev.atoll.model.view.CloudEvent> recentEvents(int max) {
            return now().recentEvents(max);
        }

        @Override
        public AutoCloseable subscribe(java.util.function.Consumer<dev.atoll.model.view.CloudEvent> listener) {
            return now().subscribe(listener);
        }

        @Override
        public dev.atoll.control.auth.AuthRecords authRecords() {
            return now().authRecords();
        }

        @Override
        public Optional<dev.atoll.control.auth.TokenRecord> token(String id) {
            return now().token(id);
        }

        @Override
        public dev.atoll.control.auth.AuthRecords changeAuth(dev.atoll.control.auth.AuthRecords change) {
            return now().changeAuth(change);
        }

        @Override
        public void recordAudit(dev.atoll.model.auth.AuditEntry entry) {
            now().recordAudit(entry);
        }

        @Override
        public List<dev.atoll.model.auth.AuditEntry> audit(String tenant, int max) {
            return now().audit(tenant, max);
        }

        @Override
        public dev.atoll.model.view.PreviewOutcome preview(dev.atoll.model.spec.EnvironmentSpec spec) {
            return now().preview(spec);
        }

        @Override
        public List<dev.atoll.model.view.SiteLink> links() {
            return now().links();
        }
    }

    // --- metrics -------------------------------------------------------------------------------

    private void siteMeters(ApiServer api) {
        io.micrometer.core.instrument.MeterRegistry registry = api.metrics();
        // Placements, offers by reason and failure detections are counted by the controller of each
        // term as leader (see Lead); Raft, instances and gossip members are worked out per scrape.
        var meters = new dev.atoll.cli.site.SiteMeters(
                registry,
                () -> {
                    Lead current = lead;
                    return current == null ? List.<SiteController>of() : List.of(current.controller);
                },
                () -> List.of(raft));
        api.beforeScrape(meters::refresh);
        io.micrometer.core.instrument.Gauge.builder("atoll_wire_protocol_violations", wire, w -> w.protocolViolations())
                .description("Wire connections closed because the peer broke the protocol")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(
                        "atoll_agents_joined", this, s -> s.fromLead(l -> l.agents.joinedCount()))
                .description("Node agents that joined this controller")
                .register(registry);
        settings.tls().ifPresent(t -> TlsMeters.register(registry, t.identity().refusals()));
        io.micrometer.core.instrument.Gauge.builder("atoll_site_leader", this, s -> s.lead != null ? 1 : 0)
                .description("1 while this controller leads its site (acts as the site), 0 while it follows")
                .register(registry);
    }

    private double fromLead(java.util.function.ToDoubleFunction<Lead> value) {
        Lead current = lead;
        return current == null ? 0 : value.applyAsDouble(current);
    }

    // --- addresses -----------------------------------------------------------------------------

    public InetSocketAddress wireAddress() {
        return wire.address();
    }

    public InetSocketAddress gossipAddress() {
        Lead current = lead;
        return current != null
                ? HostPort.parse(current.membership.address())
                : new InetSocketAddress(
                        settings.listen().getAddress(), settings.listen().getPort() + 1);
    }

    public URI apiUri() {
        return api.uri();
    }

    /** This controller's Raft member id. */
    public String memberId() {
        return memberId;
    }

    /** Whether this controller acts as its site now (always, without peers). */
    public boolean leads() {
        return lead != null;
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
