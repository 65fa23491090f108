package dev.atoll.bench.instance;

import dev.atoll.model.GeoPoint;

/**
 * The round-trip time users see from a place to a site, estimated from distance the way Atoll
 * documents it: twice the great-circle distance at 200 km per millisecond (light in fibre), plus 5
 * ms for switching and the last mile. Restated here rather than borrowed from atoll-placement's
 * {@code LatencyModel}, so the checker that judges placements does not share the code it judges; a
 * test keeps the two equal.
 */
public final class EstimatedRtt {
    private static final double FIBRE_KM_PER_MS = 200.0;
    private static final double PER_HOP_MS = 5.0;

    private EstimatedRtt() {}

    public static double ms(GeoPoint from, GeoPoint to) {
        return 2 * from.distanceKm(to) / FIBRE_KM_PER_MS + PER_HOP_MS;
    }
}
