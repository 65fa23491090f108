package dev.atoll.sim.scenario;

import dev.atoll.model.GeoPoint;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One-way delays between sites as a scenario's matrix gives them (measured, or made up for a test),
 * kept as microseconds in an array; a site to itself is {@code inSiteMs}. Users still reach a site
 * at 2/3 of the speed of light plus their access cost, since a matrix only covers sites.
 */
public final class MatrixLatency implements IndexedSiteLatency {
    private final SiteIndex index;
    private final int[] micros;

    /**
     * @param oneWayMs for every pair of distinct sites, the delay in at least one direction (the
     *     other is the same)
     * @throws IllegalArgumentException when a pair is missing (the parser reports that to users first)
     */
    public MatrixLatency(
            List<String> sites,
            List<GeoPoint> locations,
            Map<String, Map<String, Double>> oneWayMs,
            double inSiteMs,
            double accessMs) {
        this.index = new SiteIndex(sites, locations, accessMs);
        int n = index.size();
        micros = new int[n * n];
        for (int a = 0; a < n; a++) {
            micros[a * n + a] = (int) Math.round(inSiteMs * 1000);
            for (int b = a + 1; b < n; b++) {
                Double ms = lookup(oneWayMs, sites.get(a), sites.get(b));
                if (ms == null) ms = lookup(oneWayMs, sites.get(b), sites.get(a));
                if (ms == null) {
                    throw new IllegalArgumentException(
                            "no delay between " + sites.get(a) + " and " + sites.get(b) + " in the matrix");
                }
                int d = (int) Math.round(ms * 1000);
                micros[a * n + b] = d;
                micros[b * n + a] = d;
            }
        }
    }

    private static Double lookup(Map<String, Map<String, Double>> matrix, String a, String b) {
        var row = matrix.get(a);
        return row == null ? null : row.get(b);
    }

    @Override
    public long oneWayMicros(int from, int to) {
        return micros[from * index.size() + to];
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
        return o instanceof MatrixLatency other && index.equals(other.index) && Arrays.equals(micros, other.micros);
    }

    @Override
    public int hashCode() {
        return index.hashCode() * 31 + Arrays.hashCode(micros);
    }

    @Override
    public String toString() {
        return "MatrixLatency[" + index.size() + " sites]";
    }
}
