package dev.atoll.control.gossip;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.topology.SiteInfo;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Sites gossiping on loopback in this JVM, each with a record of the events it saw. The first site
 * started is every later site's seed. Closing it closes every site still running.
 */
final class GossipCloud implements AutoCloseable {
    static final String LOOPBACK = "127.0.0.1";

    private final GossipTimings timings;
    private final ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor(r -> {
        var t = new Thread(r, "rtt-probes");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ScalecubeMembership> sites = new ConcurrentHashMap<>();
    private final Map<String, List<MembershipEvent>> seen = new ConcurrentHashMap<>();
    private final List<String> seeds = new ArrayList<>();

    GossipCloud(GossipTimings timings) {
        this.timings = timings;
    }

    static SiteCard aCard(String site) {
        var info = new SiteInfo(site, new GeoPoint(51.5, -0.1), "GB", "UK", Set.of());
        var small = new SiteCard.NodeClass(4000, 8L << 30, 16, Set.of("process"), Set.of("ssd"));
        return new SiteCard(
                site,
                info,
                "http://" + LOOPBACK + ":7070",
                List.of(LOOPBACK + ":7071"),
                List.of(new SiteCard.FreeNodes(small, 2)),
                0,
                "ok",
                "0.1.0",
                1);
    }

    ScalecubeMembership start(String site) {
        return start(site, CardSeal.NONE);
    }

    /** A site whose cards are sealed (signed, checked) by {@code seal}. */
    ScalecubeMembership start(String site, CardSeal seal) {
        var events = new CopyOnWriteArrayList<MembershipEvent>();
        seen.put(site, events);
        var membership = ScalecubeMembership.start(
                aCard(site), LOOPBACK, 0, List.copyOf(seeds), timings, Clock.systemUTC(), probes, seal);
        membership.onChange(events::add);
        sites.put(site, membership);
        if (seeds.isEmpty()) seeds.add(membership.address());
        return membership;
    }

    ScalecubeMembership site(String name) {
        return sites.get(name);
    }

    List<MembershipEvent> eventsSeenBy(String site) {
        return List.copyOf(seen.get(site));
    }

    /** Stops a site the way it chose: gracefully ({@code close}) or not at all ({@code halt}). */
    void close(String site) {
        sites.remove(site).close();
    }

    void halt(String site) {
        sites.get(site).haltWithoutLeaving();
    }

    @Override
    public void close() {
        sites.values().parallelStream().forEach(ScalecubeMembership::close);
        sites.clear();
        probes.shutdownNow();
    }
}
