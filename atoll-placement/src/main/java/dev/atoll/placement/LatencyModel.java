package dev.atoll.placement;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import dev.atoll.model.topology.SiteInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * <p>Measured figures win over the estimate, in this order:
 *
 * <ol>
 *   <li>a figure measured from the site to the user region itself ({@code measuredRttMs});
 *   <li>a figure measured between sites ({@link #withMeasured}): when a site that measured its RTT
 *       to the candidate lies within {@link #NEAR_USERS_KM} of the users, the users are taken to
 *       sit at that site, and the RTT is the measured one plus the fibre time of the few
 *       kilometres between them (no extra hop: the measurement already paid for the path). Gossip
 *       measures RTTs from the placing site, so users near the home site get real figures;
 *       users elsewhere keep the estimate.
 * </ol>
 *
 * @param measuredRttMs measured RTTs that override the estimate: site name to (user region name
 *     to RTT in ms). Empty when nothing has been measured yet.
 * @param measuredBetweenSites RTTs other sites measured from where they are, see {@link
 *     #withMeasured}
 */
public record LatencyModel(Map<String, Map<String, Double>> measuredRttMs, List<SiteRtts> measuredBetweenSites) {
    public static final double FIBRE_KM_PER_MS = 200.0;
    public static final double PER_HOP_MS = 5.0;

    /**
     * How close a measuring site must be to a user region for its measurements to stand for the
     * users': a metropolitan area, where the last mile, not the distance, makes the difference
     * (100 km of fibre is 1 ms of round trip).
     */
    public static final double NEAR_USERS_KM = 100.0;

    /** Estimates only. */
    public static final LatencyModel ESTIMATED = new LatencyModel(Map.of(), List.of());

    /**
     * RTTs measured from one site.
     *
     * @param origin the site that measured, for its location
     * @param rttMsToSites site name to the smoothed RTT in milliseconds
     */
    public record SiteRtts(SiteInfo origin, Map<String, Double> rttMsToSites) {
        public SiteRtts {
            rttMsToSites = Map.copyOf(rttMsToSites);
        }
    }

    public LatencyModel {
        Map<String, Map<String, Double>> copy = new HashMap<>();
        measuredRttMs.forEach((site, byRegion) -> copy.put(site, Map.copyOf(byRegion)));
        measuredRttMs = Map.copyOf(copy);
        measuredBetweenSites = List.copyOf(measuredBetweenSites);
    }

    public LatencyModel(Map<String, Map<String, Double>> measuredRttMs) {
        this(measuredRttMs, List.of());
    }

    /**
     * This model plus the RTTs {@code origin} measured to other sites, typically the placing site's
     * own gossip measurements. A later call for the same origin replaces the earlier figures.
     */
    public LatencyModel withMeasured(SiteInfo origin, Map<String, Duration> rttToSites) {
        Map<String, Double> ms = new HashMap<>();
        rttToSites.forEach((site, rtt) -> ms.put(site, rtt.toNanos() / 1_000_000.0));
        List<SiteRtts> next = new ArrayList<>(measuredBetweenSites.size() + 1);
        for (SiteRtts s : measuredBetweenSites) if (!s.origin().name().equals(origin.name())) next.add(s);
        next.add(new SiteRtts(origin, ms));
        return new LatencyModel(measuredRttMs, next);
    }

    /** The estimated RTT between two points, from distance alone. */
    public static double estimateRttMs(GeoPoint a, GeoPoint b) {
        // Remembered: placement asks it for every candidate site of every replica, and the
        // great-circle distance (StrictMath, for the same answer on every machine) is the cost.
        var pair = new Points(a, b);
        Double known = ESTIMATES.get(pair);
        if (known != null) return known;
        double ms = 2 * a.distanceKm(b) / FIBRE_KM_PER_MS + PER_HOP_MS;
        if (ESTIMATES.size() >= MAX_ESTIMATES) ESTIMATES.clear();
        ESTIMATES.put(pair, ms);
        return ms;
    }

    private record Points(GeoPoint a, GeoPoint b) {
        // The record's own hash (31 x one point + the other) collides for points on a grid;
        // with a quarter of a million pairs remembered, lookups then walk long chains.
        @Override
        public int hashCode() {
            long h = Double.doubleToLongBits(a.lat());
            h = h * 0x9E3779B97F4A7C15L + Double.doubleToLongBits(a.lon());
            h = h * 0x9E3779B97F4A7C15L + Double.doubleToLongBits(b.lat());
            h = h * 0x9E3779B97F4A7C15L + Double.doubleToLongBits(b.lon());
            h ^= h >>> 29;
            h *= 0xBF58476D1CE4E5B9L;
            return (int) (h ^ (h >>> 32));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Points p && a.equals(p.a) && b.equals(p.b);
        }
    }

    /** A thousand sites times a hundred user regions, with room to spare. */
    private static final int MAX_ESTIMATES = 250_000;

    private static final Map<Points, Double> ESTIMATES = new java.util.concurrent.ConcurrentHashMap<>();

    /** The measured RTT from the site to the region if there is one, else the estimate. */
    public double rttMs(SiteInfo site, UserRegion region) {
        Map<String, Double> measured = measuredRttMs.get(site.name());
        if (measured != null) {
            Double ms = measured.get(region.name());
            if (ms != null) return ms;
        }
        double viaSite = measuredViaNearbySite(site, region);
        if (!Double.isNaN(viaSite)) return viaSite;
        return estimateRttMs(site.location(), region.location());
    }

    /**
     * Whether {@link #rttMs} is a measurement rather than the estimate, so an explanation can say
     * which one turned a site down.
     */
    public boolean isMeasured(SiteInfo site, UserRegion region) {
        Map<String, Double> measured = measuredRttMs.get(site.name());
        if (measured != null && measured.containsKey(region.name())) return true;
        return !Double.isNaN(measuredViaNearbySite(site, region));
    }

    /** The measurement of the nearest measuring site within reach of the users, or NaN. */
    private double measuredViaNearbySite(SiteInfo site, UserRegion region) {
        double best = Double.NaN;
        double nearestKm = Double.POSITIVE_INFINITY;
        for (int i = 0, n = measuredBetweenSites.size(); i < n; i++) {
            SiteRtts from = measuredBetweenSites.get(i);
            Double ms = from.rttMsToSites().get(site.name());
            if (ms == null) continue;
            double km = from.origin().location().distanceKm(region.location());
            if (km <= NEAR_USERS_KM && km < nearestKm) {
                nearestKm = km;
                best = ms + 2 * km / FIBRE_KM_PER_MS;
            }
        }
        return best;
    }
}
