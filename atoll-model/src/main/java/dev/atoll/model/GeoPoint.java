package dev.atoll.model;

/** A place on Earth in degrees. */
public record GeoPoint(double lat, double lon) {
    private static final double EARTH_RADIUS_KM = 6371.0088;

    public GeoPoint {
        if (lat < -90 || lat > 90 || Double.isNaN(lat))
            throw new IllegalArgumentException("latitude out of range: " + lat);
        if (lon < -180 || lon > 180 || Double.isNaN(lon))
            throw new IllegalArgumentException("longitude out of range: " + lon);
    }

    /** Great-circle distance (haversine). */
    public double distanceKm(GeoPoint other) {
        double dLat = Math.toRadians(other.lat - lat);
        double dLon = Math.toRadians(other.lon - lon);
        double a = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(Math.toRadians(lat))
                        * Math.cos(Math.toRadians(other.lat))
                        * Math.sin(dLon / 2)
                        * Math.sin(dLon / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
    }
}
