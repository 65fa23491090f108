package dev.atoll.sim.report;

/**
 * The Natural Earth projection (Šavrič, Jenny, Patterson and Jenny, 2011): a compromise between
 * equal area and true shape that keeps the poles short, in its polynomial form. Longitude 0 maps to
 * x 0, latitude 0 to y 0; y grows northwards, in radians of the unit sphere.
 */
final class NaturalEarth {
    /** x at longitude 180 on the equator: the projection's half width. */
    static final double HALF_WIDTH = Math.PI * 0.8707;

    private NaturalEarth() {}

    static double x(double lonDegrees, double latDegrees) {
        double lambda = Math.toRadians(lonDegrees);
        double phi = Math.toRadians(latDegrees);
        double phi2 = phi * phi;
        double phi4 = phi2 * phi2;
        return lambda * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)));
    }

    static double y(double latDegrees) {
        double phi = Math.toRadians(latDegrees);
        double phi2 = phi * phi;
        double phi4 = phi2 * phi2;
        return phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)));
    }
}
