package dev.atoll.control.gossip;

import io.scalecube.cluster.Cluster;
import io.scalecube.cluster.ClusterImpl;
import io.scalecube.cluster.ClusterMessageHandler;
import io.scalecube.cluster.Member;
import io.scalecube.cluster.transport.api.Message;
import io.scalecube.cluster.transport.api.TransportFactory;
import io.scalecube.transport.netty.tcp.TcpTransportFactory;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership by SWIM gossip over TCP, on ScaleCube cluster. Each site is one cluster member whose
 * metadata is its {@link SiteCard} as JSON; round-trip times are measured by an echo on the same
 * transport.
 *
 * <p>How ScaleCube's events map to ours: ADDED is {@link MembershipEvent.Joined}, UPDATED is
 * {@link MembershipEvent.Updated}, LEAVING (a graceful shutdown) is {@link MembershipEvent.Left},
 * REMOVED of a member that had not said it was leaving is {@link MembershipEvent.Dead}. ScaleCube
 * does not publish its internal suspicions, so {@link MembershipEvent.Suspected} comes from our own
 * echo failing. A site that restarts joins as a new member; the old member's later removal is
 * ignored because the site's entry already belongs to the new one.
 *
 * <p>ScaleCube 2.7's TCP transport listens on every interface; the address it advertises, and so
 * every connection other sites open, is {@code host:port} as given to {@link #start}.
 */
public final class ScalecubeMembership implements Membership {
    private static final Logger LOG = LoggerFactory.getLogger(ScalecubeMembership.class);
    private static final String ECHO_REQUEST = "atoll/rtt/echo";
    private static final String ECHO_REPLY = "atoll/rtt/echo-reply";
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    /** A live site as this member knows it: which cluster member speaks for it, and its card. */
    private record Entry(String memberId, String address, SiteCard card) {}

    private final String self;
    private final GossipTimings timings;
    private final AtomicReference<SiteCard> mine;
    private final Map<String, Entry> live = new ConcurrentHashMap<>();
    private final Map<String, String> siteOfMember = new ConcurrentHashMap<>();
    private final List<Consumer<MembershipEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong echoes = new AtomicLong();
    private final RttProbe rtt;
    private volatile Cluster cluster;

    /** Signs this site's card and checks others' (see {@link CardSeal}). */
    private final CardSeal seal;

    private ScalecubeMembership(SiteCard card, GossipTimings timings, Clock clock, CardSeal seal) {
        this.seal = seal;
        this.self = card.site();
        this.timings = timings;
        this.mine = new AtomicReference<>(card);
        this.rtt = new RttProbe(this::echo, this::others, clock, timings.rttProbesPerRound(), this::suspect);
    }

    /**
     * Joins (or founds) the cloud and returns once this site is a member. Blocks while binding and
     * while syncing with the seeds, at most a few seconds.
     *
     * @param card this site's first card
     * @param host the address other sites reach this one at, e.g. 127.0.0.1
     * @param port the gossip port; 0 picks a free one (see {@link #address()})
     * @param seeds host:port of sites already in the cloud; empty to found a new cloud
     * @param timings see {@link GossipTimings#LAN}
     * @param clock the time source of the RTT measurement
     * @param scheduler runs the RTT probe rounds; owned by the caller and may be shared by many
     *     memberships
     */
    public static ScalecubeMembership start(
            SiteCard card,
            String host,
            int port,
            List<String> seeds,
            GossipTimings timings,
            Clock clock,
            ScheduledExecutorService scheduler) {
        return start(card, host, port, seeds, timings, clock, scheduler, TcpTransportFactory::new, CardSeal.NONE);
    }

    /** As above, with every card signed by its site and checked on arrival ({@code seal}). */
    public static ScalecubeMembership start(
            SiteCard card,
            String host,
            int port,
            List<String> seeds,
            GossipTimings timings,
            Clock clock,
            ScheduledExecutorService scheduler,
            CardSeal seal) {
        return start(card, host, port, seeds, timings, clock, scheduler, TcpTransportFactory::new, seal);
    }

    /** As above, over another transport than TCP (benchmarks of many sites in one JVM). */
    static ScalecubeMembership start(
            SiteCard card,
            String host,
            int port,
            List<String> seeds,
            GossipTimings timings,
            Clock clock,
            ScheduledExecutorService scheduler,
            Supplier<TransportFactory> transport) {
        return start(card, host, port, seeds, timings, clock, scheduler, transport, CardSeal.NONE);
    }

    static ScalecubeMembership start(
            SiteCard card,
            String host,
            int port,
            List<String> seeds,
            GossipTimings timings,
            Clock clock,
            ScheduledExecutorService scheduler,
            Supplier<TransportFactory> transport,
            CardSeal seal) {
        var membership = new ScalecubeMembership(card, timings, clock, seal);
        membership.join(host, port, seeds, transport);
        membership.rtt.start(scheduler, timings.rttProbeInterval());
        return membership;
    }

    private void join(String host, int port, List<String> seeds, Supplier<TransportFactory> transport) {
        cluster = new ClusterImpl()
                .config(c -> c.memberAlias(self)
                        .externalHost(host)
                        .metadata(seal.seal(SiteCardCodec.toJson(mine.get())))
                        .metadataCodec(new SiteCardCodec())
                        .metadataTimeout(millis(timings.metadataTimeout())))
                .transport(t -> t.port(port).connectTimeout(millis(timings.connectTimeout())))
                .transportFactory(transport)
                .failureDetector(f -> f.pingInterval(millis(timings.pingInterval()))
                        .pingTimeout(millis(timings.pingTimeout()))
                        .pingReqMembers(timings.pingReqMembers()))
                .gossip(g -> g.gossipInterval(timings.gossipInterval().toMillis())
                        .gossipFanout(timings.gossipFanout())
                        .gossipRepeatMult(timings.gossipRepeatMult()))
                .membership(m -> m.seedMembers(seeds)
                        .syncInterval(millis(timings.syncInterval()))
                        .syncTimeout(millis(timings.syncTimeout()))
                        .suspicionMult(timings.suspicionMult()))
                .handler(c -> new Handler(c))
                .startAwait();
    }

    /** The host:port this site gossips on. */
    public String address() {
        return cluster.address();
    }

    @Override
    public String self() {
        return self;
    }

    @Override
    public Map<String, SiteCard> members() {
        Map<String, SiteCard> all = live.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().card()));
        all.put(self, mine.get());
        return Map.copyOf(all);
    }

    @Override
    public void publish(SiteCard card) {
        if (!card.site().equals(self)) {
            throw new IllegalArgumentException("site " + self + " cannot publish the card of " + card.site());
        }
        SiteCard next =
                mine.updateAndGet(previous -> card.withSequence(Math.max(card.sequence(), previous.sequence() + 1)));
        cluster.updateMetadata(seal.seal(SiteCardCodec.toJson(next)))
                .subscribe(null, e -> LOG.warn("site {} could not publish its card: {}", self, e.toString()));
    }

    @Override
    public AutoCloseable onChange(Consumer<MembershipEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The smoothed round-trip time in milliseconds to each other site measured so far. */
    public Map<String, Double> rttMs() {
        return rtt.rttMs();
    }

    @Override
    public Map<String, Duration> rtt() {
        return rtt.rttMs().entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(
                        Map.Entry::getKey, e -> Duration.ofNanos(Math.round(e.getValue() * 1_000_000))));
    }

    @Override
    public void close() {
        rtt.close();
        cluster.shutdown();
        cluster.onShutdown().block(SHUTDOWN_WAIT);
    }

    /**
     * Starts leaving and returns at once; for tearing down many sites together, where waiting for
     * each to finish its leave one by one would take minutes.
     */
    void closeWithoutWaiting() {
        rtt.close();
        cluster.shutdown();
    }

    /**
     * Stops answering without telling anyone, as a crashed process would: the transport closes and
     * no leave is gossiped. For failure tests and benchmarks; {@link #close()} still frees the rest.
     */
    void haltWithoutLeaving() {
        rtt.close();
        cluster.transport().stop().block(SHUTDOWN_WAIT);
    }

    private Set<String> others() {
        return Set.copyOf(live.keySet());
    }

    private CompletionStage<?> echo(String site) {
        Entry entry = live.get(site);
        if (entry == null) return CompletableFuture.failedFuture(new IllegalStateException(site + " left"));
        Message request = Message.withQualifier(ECHO_REQUEST)
                .correlationId(cluster.member().id() + "/" + echoes.incrementAndGet())
                .build();
        return cluster.transport()
                .requestResponse(entry.address(), request)
                .timeout(timings.rttProbeTimeout())
                .toFuture();
    }

    private void suspect(String site) {
        if (live.containsKey(site)) emit(new MembershipEvent.Suspected(site));
    }

    private void emit(MembershipEvent event) {
        for (var listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.error("a membership listener of site {} failed on {}", self, event, e);
            }
        }
    }

    /** Runs on the cluster's single thread, so membership changes are applied one at a time. */
    private final class Handler implements ClusterMessageHandler {
        private final Cluster cluster;

        Handler(Cluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public void onMessage(Message message) {
            if (ECHO_REQUEST.equals(message.qualifier()) && message.sender() != null) {
                Message reply = Message.withQualifier(ECHO_REPLY)
                        .correlationId(message.correlationId())
                        .build();
                cluster.transport().send(message.sender(), reply).subscribe(null, e -> {});
            }
        }

        @Override
        public void onMembershipEvent(io.scalecube.cluster.membership.MembershipEvent event) {
            Member member = event.member();
            switch (event.type()) {
                case ADDED, UPDATED -> card(event.newMetadata(), member).ifPresent(card -> alive(member, card));
                case LEAVING -> gone(member, new MembershipEvent.Left(siteOf(member)));
                case REMOVED -> {
                    gone(member, new MembershipEvent.Dead(siteOf(member)));
                    siteOfMember.remove(member.id());
                }
            }
        }

        private void alive(Member member, SiteCard card) {
            if (card.site().equals(self)) {
                LOG.warn("site {}: member {} claims to be this site; ignored", self, member);
                return;
            }
            siteOfMember.put(member.id(), card.site());
            Entry previous = live.get(card.site());
            if (previous == null) {
                live.put(card.site(), new Entry(member.id(), member.address(), card));
                emit(new MembershipEvent.Joined(card));
            } else if (!previous.memberId().equals(member.id())
                    || card.sequence() > previous.card().sequence()) {
                // A new member id for a known site is the site restarted: its card wins.
                live.put(card.site(), new Entry(member.id(), member.address(), card));
                emit(new MembershipEvent.Updated(card));
            }
        }

        private void gone(Member member, MembershipEvent event) {
            Entry entry = live.get(event.site());
            if (entry != null && entry.memberId().equals(member.id())) {
                live.remove(event.site());
                emit(event);
            }
        }

        private String siteOf(Member member) {
            String site = siteOfMember.get(member.id());
            return site != null ? site : String.valueOf(member.alias());
        }

        private Optional<SiteCard> card(ByteBuffer metadata, Member member) {
            if (metadata == null || !metadata.hasRemaining()) return Optional.empty();
            try {
                String text = java.nio.charset.StandardCharsets.UTF_8
                        .decode(metadata.duplicate())
                        .toString();
                var opened = seal.open(text, member.alias() + " at " + member.address());
                if (opened.isEmpty()) return Optional.empty();
                SiteCard card = SiteCardCodec.fromJson(opened.get().cardJson());
                if (opened.get().signedBy() != null && !opened.get().signedBy().equals(card.site())) {
                    seal.impersonated(
                            member.alias() + " at " + member.address(),
                            "a card about site " + card.site() + " signed by site "
                                    + opened.get().signedBy());
                    return Optional.empty();
                }
                return Optional.of(card);
            } catch (RuntimeException e) {
                LOG.warn("site {}: unreadable card from a member, ignored: {}", self, e.getMessage());
                return Optional.empty();
            }
        }
    }

    private static int millis(Duration duration) {
        return Math.toIntExact(duration.toMillis());
    }
}
