package dev.atoll.sim.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** The scenarios that come with Atoll, as YAML from the classpath ({@code scenarios/NAME.yaml}). */
public final class ShippedScenarios {
    private static final List<String> NAMES =
            List.of("interoute-16", "edge-1000", "chaos", "big-dc-vs-edge", "hot-spot", "drain", "follow-the-sun");

    private ShippedScenarios() {}

    public static List<String> names() {
        return NAMES;
    }

    /** The file's text, or empty when no shipped scenario has that name. */
    public static Optional<String> text(String name) {
        if (!NAMES.contains(name)) return Optional.empty();
        try (var in = ShippedScenarios.class.getClassLoader().getResourceAsStream("scenarios/" + name + ".yaml")) {
            if (in == null) throw new IllegalStateException("scenarios/" + name + ".yaml is missing from the build");
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
