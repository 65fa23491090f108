package dev.atoll.sim.scenario;

import dev.atoll.model.GeoPoint;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Site names interned to indexes, with their locations kept as radians in arrays: what both latency
 * models share. Users reach a site at 2/3 of the speed of light plus their access cost.
 */
final class SiteIndex {
    /** Light in fibre covers about 200 km per millisecond: this many microseconds per km. */
    static final double MICROS_PER_KM = 1e6 / (299_792.458 * 2 / 3);

    private static final double EARTH_RADIUS_KM = 6371.0088;

    private final List<String> names;
    // Lookups by name are HashMap gets on Strings, whose hash is cached: no allocation per call.
    private final Map<String, Integer> indexes;
    private final double[] latRad;
    private final double[] lonRad;
    private final double[] cosLat;
    private final long accessMicros;

    SiteIndex(List<String> names, List<GeoPoint> locations, double accessMs) {
        this.names = List.copyOf(names);
        this.indexes = new HashMap<>(names.size() * 2);
        int n = names.size();
        latRad = new double[n];
        lonRad = new double[n];
        cosLat = new double[n];
        for (int i = 0; i < n; i++) {
            if (indexes.put(names.get(i), i) != null)
                throw new IllegalArgumentException("site " + names.get(i) + " is listed twice");
            latRad[i] = Math.toRadians(locations.get(i).lat());
            lonRad[i] = Math.toRadians(locations.get(i).lon());
            cosLat[i] = Math.cos(latRad[i]);
        }
        this.accessMicros = Math.round(accessMs * 1000);
    }

    List<String> names() {
        return names;
    }

    int size() {
        return names.size();
    }

    int indexOf(String site) {
        Integer i = indexes.get(site);
        if (i == null) throw new IllegalArgumentException("no site named " + site);
        return i;
    }

    /** Great-circle distance between two sites (haversine, as {@link GeoPoint#distanceKm}). */
    double distanceKm(int a, int b) {
        return haversineKm(latRad[a], lonRad[a], cosLat[a], latRad[b], lonRad[b], cosLat[b]);
    }

    long userToSiteMicros(GeoPoint user, int site) {
        double lat = Math.toRadians(user.lat());
        double km =
                haversineKm(lat, Math.toRadians(user.lon()), Math.cos(lat), latRad[site], lonRad[site], cosLat[site]);
        return Math.round(km * MICROS_PER_KM) + accessMicros;
    }

    private static double haversineKm(double lat1, double lon1, double cos1, double lat2, double lon2, double cos2) {
        double sinLat = Math.sin((lat2 - lat1) / 2);
        double sinLon = Math.sin((lon2 - lon1) / 2);
        double h = sinLat * sinLat + cos1 * cos2 * sinLon * sinLon;
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SiteIndex other
                && names.equals(other.names)
                && Arrays.equals(latRad, other.latRad)
                && Arrays.equals(lonRad, other.lonRad)
                && accessMicros == other.accessMicros;
    }

    @Override
    public int hashCode() {
        return 31 * names.hashCode() + Arrays.hashCode(latRad);
    }
}
