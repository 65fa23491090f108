package dev.atoll.sim.report;

import static dev.atoll.sim.report.Formats.px;

import dev.atoll.sim.report.SimReport.SiteRow;
import java.util.Comparator;
import java.util.List;

/**
 * Sites at the end of the run on a world map (Natural Earth projection): a circle per site whose
 * area is proportional to the instances running there, green when the site was up, red when down,
 * and a faint ring for its peak. Reports shown together share one size scale, so two small sites
 * and one big site look it.
 */
final class WorldMap implements Plot {
    static final double NORTH = 84;
    static final double SOUTH = -58;
    /** Sites with nothing running still show, as a dot. */
    static final double SMALLEST_RADIUS = 1.5;
    /** A site down at the end is news: it is never drawn smaller than this. */
    static final double SMALLEST_DOWN_RADIUS = 4;

    private static final double PAD = 2;

    private final double south;
    private final double scale;
    private final double height;
    private final double radiusPerSqrtInstance;

    WorldMap(List<SimReport> reports) {
        double southmost = SOUTH;
        long peak = 0;
        int mostSites = 0;
        for (SimReport report : reports) {
            mostSites = Math.max(mostSites, report.sites().size());
            for (SiteRow site : report.sites()) {
                if (Double.isFinite(site.lat())) {
                    southmost = Math.min(southmost, site.lat() - 3);
                }
                peak = Math.max(peak, Math.max(site.peakRunning(), site.runningAtEnd()));
            }
        }
        south = Math.max(-90, southmost);
        scale = (Svg.WIDTH - 2 * PAD) / (2 * NaturalEarth.HALF_WIDTH);
        height = 2 * PAD + scale * (NaturalEarth.y(NORTH) - NaturalEarth.y(south));
        // Many sites get smaller circles so they overlap less; the biggest peak sets the size.
        double largestRadius = Math.max(3, Math.min(18, 90 / Math.sqrt(Math.max(1, mostSites))));
        radiusPerSqrtInstance = peak > 0 ? largestRadius / Math.sqrt(peak) : 0;
    }

    @Override
    public String title() {
        return "Sites at the end of the run";
    }

    @Override
    public String captionHtml() {
        return "Circle area: instances running at the end; <span class=\"key up\"></span>site up,"
                + " <span class=\"key down\"></span>site down (always at least a small disc); faint ring: peak running. Hover or tap a site"
                + " for its details.";
    }

    @Override
    public String svg(SimReport report) {
        Svg svg = new Svg(title(), height);
        svg.path(sphere(), "ocean");
        svg.path(graticule(), "graticule");
        svg.path(land(), "land");
        List<SiteRow> sites = report.sites().stream()
                .filter(site -> Double.isFinite(site.lat()) && Double.isFinite(site.lon()))
                .sorted(Comparator.comparingInt(SiteRow::runningAtEnd)
                        .reversed()
                        .thenComparing(SiteRow::name, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
        for (SiteRow site : sites) {
            double cx = x(site.lon(), site.lat());
            double cy = y(site.lat());
            svg.group(tooltip(site));
            if (site.peakRunning() > site.runningAtEnd()) {
                svg.circle(cx, cy, radius(site.peakRunning()), "ring", null);
            }
            double radius = radius(site.runningAtEnd());
            if (site.upAtEnd()) {
                svg.circle(cx, cy, radius, "site up", null);
            } else {
                svg.circle(cx, cy, Math.max(SMALLEST_DOWN_RADIUS, radius), "site down", null);
            }
            svg.endGroup();
        }
        if (sites.isEmpty()) {
            svg.text(Svg.WIDTH / 2, height / 2, "middle", "nodata", "no data: no sites");
        }
        return svg.end();
    }

    double height() {
        return height;
    }

    double x(double lon, double lat) {
        return Svg.WIDTH / 2 + scale * NaturalEarth.x(lon, lat);
    }

    double y(double lat) {
        return PAD + scale * (NaturalEarth.y(NORTH) - NaturalEarth.y(lat));
    }

    private double radius(long instances) {
        return Math.max(SMALLEST_RADIUS, radiusPerSqrtInstance * Math.sqrt(Math.max(0, instances)));
    }

    private static String tooltip(SiteRow site) {
        return site.name() + " (" + site.country() + ", " + site.jurisdiction() + "): " + site.nodes() + " nodes, "
                + site.runningAtEnd() + " running (peak " + site.peakRunning() + "), "
                + (site.upAtEnd() ? "up" : "down") + " at the end";
    }

    /** The edge of the world, cut at the map's top and bottom latitudes. */
    private String sphere() {
        StringBuilder d = new StringBuilder();
        for (double lat = south; lat <= NORTH; lat += 2) {
            point(d, d.isEmpty(), -180, Math.min(lat, NORTH));
        }
        point(d, false, -180, NORTH);
        for (double lat = NORTH; lat >= south; lat -= 2) {
            point(d, false, 180, lat);
        }
        point(d, false, 180, south);
        return d.append('Z').toString();
    }

    /** Meridians and parallels every 30 degrees. */
    private String graticule() {
        StringBuilder d = new StringBuilder();
        for (int lon = -150; lon <= 150; lon += 30) {
            for (double lat = south; lat <= NORTH; lat += 4) {
                point(d, lat == south, lon, lat);
            }
        }
        for (int lat = -30; lat <= 60; lat += 30) {
            if (lat < south) {
                continue;
            }
            for (int lon = -180; lon <= 180; lon += 6) {
                point(d, lon == -180, lon, lat);
            }
        }
        return d.toString();
    }

    private String land() {
        StringBuilder d = new StringBuilder(64 * 1024);
        for (double[] ring : LandOutlines.rings()) {
            if (wholly(ring, south)) {
                continue;
            }
            String lastX = "";
            String lastY = "";
            int drawn = 0;
            for (int i = 0; i < ring.length; i += 2) {
                String px = px(x(ring[i], ring[i + 1]));
                String py = px(y(ring[i + 1]));
                // Points closer than a tenth of a pixel add bytes, not shape.
                if (px.equals(lastX) && py.equals(lastY)) {
                    continue;
                }
                d.append(drawn == 0 ? "M" : "L").append(px).append(' ').append(py);
                lastX = px;
                lastY = py;
                drawn++;
            }
            if (drawn > 0) {
                d.append('Z');
            }
        }
        return d.toString();
    }

    /** True when the ring lies wholly south of the map (Antarctica). */
    private static boolean wholly(double[] ring, double south) {
        for (int i = 1; i < ring.length; i += 2) {
            if (ring[i] >= south) {
                return false;
            }
        }
        return true;
    }

    private void point(StringBuilder d, boolean move, double lon, double lat) {
        d.append(move ? "M" : "L").append(px(x(lon, lat))).append(' ').append(px(y(lat)));
    }
}
