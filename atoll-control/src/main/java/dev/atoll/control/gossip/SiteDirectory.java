package dev.atoll.control.gossip;

import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.SiteSummary;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every site this one knows of, as gossip tells it: what the networked federation reads for
 * placement (summaries, dead sites, measured RTTs) and to reach a site (wire and API addresses).
 * Offers themselves go over the wire protocol, not through here.
 *
 * <p>A site is <em>dead</em> here when gossip declared it dead, when it left, or when its card is
 * stale: not refreshed for {@link Settings#staleAfter()}, although gossip still thinks it alive
 * (its gossip member answers but its controller no longer publishes). A dead site stays listed,
 * unhealthy and without nodes, so its replicas' home sites can place them elsewhere; it is alive
 * again as soon as a fresh card of it arrives (a restart joins as a new member).
 *
 * <p>This site's own card goes out through {@link #publish}, at most once per {@link
 * Settings#publishAtMostEvery()} however often the summary changes, and again every {@link
 * Settings#republishEvery()} even when nothing changed, so the others can tell a quiet site from a
 * stuck one.
 *
 * <p>Thread safety: membership events arrive on the membership's thread, publishes on the
 * caller's, timers on the scheduler; all state is guarded by this object's lock, and reads return
 * copies.
 */
public final class SiteDirectory implements dev.atoll.control.federation.SitePeers, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SiteDirectory.class);

    /**
     * @param publishAtMostEvery the least time between two cards this site gossips; changes in
     *     between are folded into the next card
     * @param republishEvery how often an unchanged card is gossiped again, as a sign of life
     * @param staleAfter how long without a new card before a site counts as dead; well above
     *     {@code republishEvery} so one late refresh is not a death
     */
    public record Settings(Duration publishAtMostEvery, Duration republishEvery, Duration staleAfter) {
        /**
         * 200 ms debounce: placement sees a change within a gossip round or two, and a burst of
         * deploys costs five cards a second at most. Refresh every 10 s and stale after 30 s (three
         * missed refreshes): with 100 sites that is 10 refreshed cards a second cloud-wide.
         */
        public static final Settings DEFAULT =
                new Settings(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(30));

        public Settings {
            if (!staleAfter.minus(republishEvery).isPositive()) {
                throw new IllegalArgumentException("staleAfter must exceed republishEvery");
            }
        }
    }

    /** How a site stands, as far as this one can tell. */
    private enum Standing {
        ALIVE,
        DEAD,
        LEFT
    }

    /** What is known of one site: its newest card, when that card arrived here, its standing. */
    private record Known(SiteCard card, Instant heardAt, Standing standing) {}

    private final Membership membership;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Settings settings;
    private final Map<String, Known> known = new HashMap<>();
    private final List<Consumer<MembershipEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AutoCloseable subscription;
    private final ScheduledFuture<?> refresh;

    private SiteCard lastPublished;
    private Instant lastPublishedAt = Instant.MIN;
    private SiteCard pending;
    private ScheduledFuture<?> pendingFlush;
    private boolean closed;

    private SiteDirectory(Membership membership, Clock clock, ScheduledExecutorService scheduler, Settings settings) {
        this.membership = membership;
        this.clock = clock;
        this.scheduler = scheduler;
        this.settings = settings;
        // Subscribe first, then read the members, so no site falls between the two (Membership#onChange).
        this.subscription = membership.onChange(this::onMembershipEvent);
        Instant now = clock.instant();
        synchronized (this) {
            for (SiteCard card : membership.members().values()) {
                known.putIfAbsent(card.site(), new Known(card, now, Standing.ALIVE));
            }
            lastPublished = membership.members().get(membership.self());
        }
        long every = settings.republishEvery().toMillis();
        this.refresh = scheduler.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts reading and publishing through the membership. The membership stays the caller's:
     * closing the directory does not leave the cluster.
     *
     * @param scheduler runs the debounced publishes and the refresh; may be shared
     */
    public static SiteDirectory open(
            Membership membership, Clock clock, ScheduledExecutorService scheduler, Settings settings) {
        return new SiteDirectory(membership, clock, scheduler, settings);
    }

    /** This site's name. */
    public String self() {
        return membership.self();
    }

    /**
     * Gossips this site's card, now or, if one went out less than {@link
     * Settings#publishAtMostEvery()} ago, then; only the newest card of a burst goes out. Never
     * blocks. Its sequence is set by the membership.
     */
    public synchronized void publish(SiteCard card) {
        if (!card.site().equals(self())) {
            throw new IllegalArgumentException("site " + self() + " cannot publish the card of " + card.site());
        }
        if (closed) return;
        pending = card;
        if (pendingFlush != null) return;
        Instant due = lastPublishedAt.equals(Instant.MIN)
                ? clock.instant()
                : lastPublishedAt.plus(settings.publishAtMostEvery());
        long delayMs = Math.max(0, Duration.between(clock.instant(), due).toMillis());
        pendingFlush = scheduler.schedule(this::flush, delayMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The summary of every known site, this one included, sorted by name: live sites from their
     * newest card, dead ones unhealthy and without nodes.
     */
    public synchronized List<SiteSummary> summaries() {
        Instant now = clock.instant();
        List<SiteSummary> all = new ArrayList<>(known.size());
        for (Known k : sorted().values()) {
            all.add(
                    alive(k, now)
                            ? k.card().toSummary(true)
                            : new SiteSummary(k.card().info(), false, List.of()));
        }
        return all;
    }

    /** Sites declared dead or gone by gossip, or silent for longer than {@link Settings#staleAfter()}. */
    public synchronized Set<String> deadSites() {
        Instant now = clock.instant();
        Set<String> dead = new TreeSet<>();
        known.forEach((site, k) -> {
            if (!alive(k, now)) dead.add(site);
        });
        return dead;
    }

    /** The names of every known site, this one and dead ones included, sorted. */
    public synchronized List<String> siteNames() {
        return List.copyOf(sorted().keySet());
    }

    /** Where a site is and under which law, as its newest card says. */
    public synchronized Optional<SiteInfo> siteInfo(String site) {
        return card(site).map(SiteCard::info);
    }

    /** A known site's newest card, dead or alive. */
    public synchronized Optional<SiteCard> card(String site) {
        Known k = known.get(site);
        return k == null ? Optional.empty() : Optional.of(k.card());
    }

    /**
     * The wire addresses of each of a site's controllers, in the order its card lists them;
     * addresses that do not read as host:port are skipped with a warning. Empty when the site is
     * unknown.
     */
    public List<InetSocketAddress> wireAddresses(String site) {
        List<String> raw = card(site).map(SiteCard::wireAddresses).orElse(List.of());
        List<InetSocketAddress> addresses = new ArrayList<>(raw.size());
        for (String address : raw) {
            Optional<InetSocketAddress> parsed = hostAndPort(address);
            if (parsed.isPresent()) addresses.add(parsed.get());
            else LOG.warn("site {}: card of {} lists wire address '{}', not host:port; skipped", self(), site, address);
        }
        return addresses;
    }

    /** The first wire address of a site: where to send it an offer first. */
    public Optional<InetSocketAddress> wireAddress(String site) {
        return wireAddresses(site).stream().findFirst();
    }

    /** The base URL of a site's REST API, e.g. {@code http://127.0.0.1:7070}. */
    public Optional<String> apiUrl(String site) {
        return card(site).map(SiteCard::apiUrl);
    }

    /** The measured round-trip time from this site to each other site gossip could reach. */
    public Map<String, Duration> rtt() {
        return membership.rtt();
    }

    /**
     * The latency model for placing from this site: {@code base} plus this site's measured RTTs to
     * the others, which placement prefers to the distance estimate for users near this site.
     */
    public LatencyModel latency(LatencyModel base) {
        Optional<SiteInfo> here = siteInfo(self());
        return here.isEmpty() ? base : base.withMeasured(here.get(), rtt());
    }

    /**
     * Calls the listener on every membership change after this directory applied it, so a
     * listener reading the directory sees the change. Listeners run on the membership's thread:
     * keep them short. Closing the handle stops the calls.
     */
    public AutoCloseable onChange(Consumer<MembershipEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Stops publishing and listening. The membership is left running. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (pendingFlush != null) pendingFlush.cancel(false);
        }
        refresh.cancel(false);
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.warn("site {}: could not stop listening to membership: {}", self(), e.toString());
        }
    }

    private boolean alive(Known k, Instant now) {
        if (k.standing() != Standing.ALIVE) return false;
        if (k.card().site().equals(self())) return true;
        return Duration.between(k.heardAt(), now).compareTo(settings.staleAfter()) <= 0;
    }

    private Map<String, Known> sorted() {
        return new TreeMap<>(known);
    }

    private void onMembershipEvent(MembershipEvent event) {
        Instant now = clock.instant();
        synchronized (this) {
            switch (event) {
                case MembershipEvent.Joined(SiteCard card) ->
                    known.put(card.site(), new Known(card, now, Standing.ALIVE));
                case MembershipEvent.Updated(SiteCard card) ->
                    known.put(card.site(), new Known(card, now, Standing.ALIVE));
                case MembershipEvent.Suspected s -> {
                    // Suspicion is one site's view; gossip settles it either way within its bound.
                }
                case MembershipEvent.Dead(String site) -> mark(site, Standing.DEAD);
                case MembershipEvent.Left(String site) -> mark(site, Standing.LEFT);
            }
        }
        for (var listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.error("site {}: a directory listener failed on {}", self(), event, e);
            }
        }
    }

    private void mark(String site, Standing standing) {
        Known k = known.get(site);
        if (k != null) known.put(site, new Known(k.card(), k.heardAt(), standing));
    }

    private void flush() {
        SiteCard card;
        synchronized (this) {
            pendingFlush = null;
            if (closed || pending == null) return;
            card = pending;
            pending = null;
            lastPublished = card;
            lastPublishedAt = clock.instant();
        }
        send(card);
    }

    /** Gossips the last card again if nothing went out for a refresh interval. */
    private void refresh() {
        SiteCard card;
        synchronized (this) {
            if (closed || lastPublished == null || pendingFlush != null) return;
            Instant now = clock.instant();
            if (!lastPublishedAt.equals(Instant.MIN)
                    && Duration.between(lastPublishedAt, now).compareTo(settings.republishEvery()) < 0) {
                return;
            }
            card = lastPublished;
            lastPublishedAt = now;
        }
        send(card);
    }

    private void send(SiteCard card) {
        try {
            membership.publish(card);
        } catch (RuntimeException e) {
            LOG.warn("site {}: could not publish its card: {}", self(), e.toString());
            return;
        }
        SiteCard sent = membership.members().get(self());
        synchronized (this) {
            if (sent != null) known.put(self(), new Known(sent, clock.instant(), Standing.ALIVE));
        }
    }

    /**
     * host:port or [v6]:port. IP addresses come back resolved; names come back unresolved, so
     * reading a card never waits on DNS.
     */
    static Optional<InetSocketAddress> hostAndPort(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) return Optional.empty();
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 1 || port > 65535 || host.isBlank()) return Optional.empty();
            // An IP literal is parsed without a lookup; a name is left for the connecting side.
            boolean literal = host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
            return Optional.of(
                    literal ? new InetSocketAddress(host, port) : InetSocketAddress.createUnresolved(host, port));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
