package dev.atoll.sim.scenario;

import dev.atoll.model.GeoPoint;
import java.util.List;

/**
 * One-way delay between sites from how far apart they are: great-circle distance at 2/3 of the speed
 * of light (light in fibre), plus {@code hopMs} per router on the way. Routes are not straight and
 * long-haul links pass a router at every backbone point of presence, roughly every 1000 km, so the
 * hops are estimated as 1 + distance / 1000 km; with 1 ms per hop London-New York comes to about
 * 34 ms, close to the 35-38 ms measured on transatlantic links. A site to itself is {@code inSiteMs}.
 *
 * <p>Delays between all pairs are computed once into an array when there are at most
 * {@value #PRECOMPUTED_SITES_MAX} sites (16 MB); past that each call computes its pair.
 */
public final class GreatCircleLatency implements IndexedSiteLatency {
    static final int PRECOMPUTED_SITES_MAX = 2048;
    static final double KM_PER_HOP = 1000;

    private final SiteIndex index;
    private final double hopMs;
    private final long inSiteMicros;
    private final int[] micros;

    public GreatCircleLatency(
            List<String> sites, List<GeoPoint> locations, double hopMs, double inSiteMs, double accessMs) {
        this.index = new SiteIndex(sites, locations, accessMs);
        this.hopMs = hopMs;
        this.inSiteMicros = Math.round(inSiteMs * 1000);
        int n = index.size();
        if (n <= PRECOMPUTED_SITES_MAX) {
            micros = new int[n * n];
            for (int a = 0; a < n; a++) {
                for (int b = a; b < n; b++) {
                    int d = (int) compute(a, b);
                    micros[a * n + b] = d;
                    micros[b * n + a] = d;
                }
            }
        } else {
            micros = null;
        }
    }

    private long compute(int a, int b) {
        if (a == b) return inSiteMicros;
        double km = index.distanceKm(a, b);
        double hops = 1 + km / KM_PER_HOP;
        return Math.round(km * SiteIndex.MICROS_PER_KM + hops * hopMs * 1000);
    }

    @Override
    public long oneWayMicros(int from, int to) {
        return micros != null ? micros[from * index.size() + to] : compute(from, to);
    }

    @Override
    public long oneWayMicros(String from, String to) {
        return oneWayMicros(index.indexOf(from), index.indexOf(to));
    }

    @Override
    public long userToSiteMicros(GeoPoint user, String site) {
        return index.userToSiteMicros(user, index.indexOf(site));
    }

    @Override
    public List<String> sites() {
        return index.names();
    }

    @Override
    public int indexOf(String site) {
        return index.indexOf(site);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GreatCircleLatency other
                && index.equals(other.index)
                && hopMs == other.hopMs
                && inSiteMicros == other.inSiteMicros;
    }

    @Override
    public int hashCode() {
        return index.hashCode() * 31 + Double.hashCode(hopMs);
    }

    @Override
    public String toString() {
        return "GreatCircleLatency[" + index.size() + " sites, hopMs=" + hopMs + ", inSiteMicros=" + inSiteMicros + "]";
    }
}
