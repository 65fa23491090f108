package dev.atoll.control.federation;

import dev.atoll.placement.SiteSummary;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

/**
 * What a site knows of the others without asking them: who exists, who is dead, their summaries and
 * where their controllers listen. Kept up to date by gossip; the offer protocol uses it to find
 * and judge targets.
 */
public interface SitePeers {
    /** Sites given up for dead (gossip declared them dead, or their news is too old). */
    Set<String> deadSites();

    /** Every known site, alive or not, this one included. */
    List<String> siteNames();

    /** The latest summary of every other known site. */
    List<SiteSummary> summaries();

    /** Where the site's controllers take calls of the wire protocol; the leader is among them. */
    List<InetSocketAddress> wireAddresses(String site);

    /** {@code base} with the round-trip times this site measured to others. */
    default dev.atoll.placement.LatencyModel latency(dev.atoll.placement.LatencyModel base) {
        return base;
    }
}
