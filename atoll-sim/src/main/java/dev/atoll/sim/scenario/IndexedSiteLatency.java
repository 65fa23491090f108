package dev.atoll.sim.scenario;

import java.util.List;

/**
 * A {@link SiteLatency} whose sites are numbered 0..n-1 in topology order, so that a simulator that
 * keeps its sites in an array looks delays up without hashing names on every message.
 */
public interface IndexedSiteLatency extends SiteLatency {
    /** The sites in index order. */
    List<String> sites();

    /**
     * The index of {@code site}.
     *
     * @throws IllegalArgumentException when the site is not one of {@link #sites()}
     */
    int indexOf(String site);

    /** One-way delay in microseconds between the sites at these indexes. */
    long oneWayMicros(int from, int to);
}
