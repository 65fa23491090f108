package dev.atoll.sim.scenario;

import dev.atoll.model.GeoPoint;

/**
 * One-way network delay between two sites of a scenario, and from a user's location to a site.
 * Pure and symmetric; the delay from a site to itself is the in-site delay.
 */
public interface SiteLatency {
    /** One-way delay in microseconds from site {@code from} to site {@code to}. */
    long oneWayMicros(String from, String to);

    /** One-way delay in microseconds from a user at {@code user} to site {@code site}. */
    long userToSiteMicros(GeoPoint user, String site);
}
