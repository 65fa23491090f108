package dev.atoll.sim.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The land of the world at 1:110m, for the background of the map: Natural Earth's outlines (public
 * domain) by way of the world-atlas package (ISC), turned into one ring per line of "lon,lat" pairs
 * by {@code tools/land_from_topojson.py}. Rings are outer edges and holes alike; the map fills them
 * with the even-odd rule.
 */
final class LandOutlines {
    static final String RESOURCE = "/report/land-110m.txt";

    private LandOutlines() {}

    /** Each ring as {@code [lon0, lat0, lon1, lat1, ...]} in degrees; loaded once. */
    static List<double[]> rings() {
        return Loaded.RINGS;
    }

    private static final class Loaded {
        static final List<double[]> RINGS = load();
    }

    private static List<double[]> load() {
        try (InputStream in = LandOutlines.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the land outlines " + RESOURCE + " are missing from the build");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the land outlines " + RESOURCE, e);
        }
    }

    static List<double[]> parse(BufferedReader reader) throws IOException {
        List<double[]> rings = new ArrayList<>();
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] pairs = line.trim().split(" ");
            double[] ring = new double[pairs.length * 2];
            for (int i = 0; i < pairs.length; i++) {
                int comma = pairs[i].indexOf(',');
                if (comma < 0) {
                    throw new IllegalStateException(
                            RESOURCE + " line " + number + ": '" + pairs[i] + "' is not lon,lat");
                }
                ring[2 * i] = Double.parseDouble(pairs[i].substring(0, comma));
                ring[2 * i + 1] = Double.parseDouble(pairs[i].substring(comma + 1));
            }
            rings.add(ring);
        }
        return List.copyOf(rings);
    }
}
