package dev.atoll.placement;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import dev.atoll.model.topology.SiteInfo;
import java.util.Map;

/**
 * Round-trip time between a site and a population of users, in milliseconds.
 *
 * <p>Until a site has measured it, the RTT is estimated as
 *
 * <pre>
 *   rttMs = 2 * greatCircleKm / 200 km-per-ms  +  5 ms
 * </pre>
 *
 * Light in fibre travels at about 2/3 c, i.e. 200 km per millisecond; the round trip covers the
 * distance twice; the fixed 5 ms stands for switching, routing and the last mile, which do not
 * shrink with distance. Real paths are longer than great circles, so the estimate is optimistic,
 * which is the right side to err on for a hard bound: a site is never excluded by the estimate
 * when the network could meet the bound.
 *
 * @param measuredRttMs measured RTTs that override the estimate: site name to (user region name
 *     to RTT in ms). Empty when nothing has been measured yet.
 */
public record LatencyModel(Map<String, Map<String, Double>> measuredRttMs) {
    public static final double FIBRE_KM_PER_MS = 200.0;
    public static final double PER_HOP_MS = 5.0;

    /** Estimates only. */
    public static final LatencyModel ESTIMATED = new LatencyModel(Map.of());

    public LatencyModel {
        Map<String, Map<String, Double>> copy = new java.util.HashMap<>();
        measuredRttMs.forEach((site, byRegion) -> copy.put(site, Map.copyOf(byRegion)));
        measuredRttMs = Map.copyOf(copy);
    }

    /** The estimated RTT between two points, from distance alone. */
    public static double estimateRttMs(GeoPoint a, GeoPoint b) {
        return 2 * a.distanceKm(b) / FIBRE_KM_PER_MS + PER_HOP_MS;
    }

    /** The measured RTT from the site to the region if there is one, else the estimate. */
    public double rttMs(SiteInfo site, UserRegion region) {
        Map<String, Double> measured = measuredRttMs.get(site.name());
        if (measured != null) {
            Double ms = measured.get(region.name());
            if (ms != null) return ms;
        }
        return estimateRttMs(site.location(), region.location());
    }
}
