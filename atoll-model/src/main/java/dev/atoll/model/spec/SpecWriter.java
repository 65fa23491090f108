package dev.atoll.model.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import dev.atoll.model.Quantities;
import dev.atoll.model.Resources;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Locale;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Writes an {@link EnvironmentSpec} in the user's format; {@link SpecParser} reads it back equal.
 *
 * <p>Values that have a default are written anyway (driver, resources, replicas, restart, health
 * timings) so that what a user reads back shows what Atoll runs; empty lists, maps and placement
 * fields are left out. Sets are written sorted so the same spec always prints the same text.
 */
public final class SpecWriter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    // Numbers-as-strings are quoted so "8080" in env or a command stays a string when read back.
    private static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .stringQuotingChecker(new ReadBackQuoting())
            .build());

    /**
     * Jackson's own checker leaves strings such as "1e3" or "0x1F" plain, which read back as numbers;
     * this one also quotes whatever the YAML resolver would not read as a string.
     */
    private static final class ReadBackQuoting extends StringQuotingChecker.Default {
        private static final Resolver RESOLVER = new Resolver();

        @Override
        public boolean needToQuoteName(String name) {
            return super.needToQuoteName(name) || readsAsNonString(name);
        }

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || readsAsNonString(value);
        }

        private static boolean readsAsNonString(String s) {
            if (s.isEmpty()) return true;
            // The YAML parser types plain scalars with this same resolver, so this is exact.
            return hasUnsafeCharacter(s) || !Tag.STR.equals(RESOLVER.resolve(NodeId.scalar, s, true));
        }

        /**
         * Leading or trailing spaces and anything but visible characters: left to itself the emitter
         * writes these single-quoted, where YAML folds line separators such as U+2028 into spaces.
         * Double quotes escape them exactly.
         */
        private static boolean hasUnsafeCharacter(String s) {
            if (s.charAt(0) == ' ' || s.charAt(s.length() - 1) == ' ') return true;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == ' ') continue;
                if (c < 0x20 || c == 0x7f) return true;
                if (c >= 0x80) {
                    int type = Character.getType(c);
                    if (Character.isWhitespace(c)
                            || Character.isSpaceChar(c)
                            || type == Character.CONTROL
                            || type == Character.FORMAT
                            || type == Character.UNASSIGNED
                            || type == Character.PRIVATE_USE
                            || type == Character.SURROGATE
                            || c == 0xfeff
                            || c >= 0xfff0) return true;
                }
            }
            return false;
        }
    }

    private SpecWriter() {}

    public static ObjectNode toTree(EnvironmentSpec spec) {
        var root = NODES.objectNode();
        root.put("apiVersion", SpecParser.API_VERSION);
        root.put("kind", SpecParser.KIND);
        var metadata = root.putObject("metadata");
        metadata.put("name", spec.name());
        metadata.put("tenant", spec.tenant());
        var specNode = root.putObject("spec");
        if (!spec.networks().isEmpty()) specNode.set("networks", strings(spec.networks()));
        var services = specNode.putObject("services");
        spec.services().forEach((name, service) -> services.set(name, service(service)));
        return root;
    }

    public static String toYaml(EnvironmentSpec spec) {
        return write(YAML, toTree(spec));
    }

    public static String toJson(EnvironmentSpec spec) {
        return write(JSON.writerWithDefaultPrettyPrinter(), toTree(spec));
    }

    private static ObjectNode service(ServiceSpec service) {
        var node = NODES.objectNode();
        node.put("driver", service.driver().wireName());
        service.image().ifPresent(image -> node.put("image", image));
        // An image's service without a command runs the image's own.
        if (service.driver() == DriverKind.PROCESS || !service.command().isEmpty())
            node.set("command", strings(service.command()));
        if (!service.env().isEmpty()) {
            var env = node.putObject("env");
            service.env().forEach(env::put);
        }
        node.set("resources", resources(service.resources()));
        if (!service.ports().isEmpty()) node.set("ports", strings(service.ports()));
        service.health().ifPresent(health -> node.set("health", health(health)));
        node.put("replicas", service.replicas());
        node.put("restart", service.restart().wireName());
        var placement = placement(service.placement());
        if (!placement.isEmpty()) node.set("placement", placement);
        if (service.readOnly()) node.put("readOnly", true);
        if (!service.mounts().isEmpty()) {
            var mounts = node.putArray("mounts");
            for (var m : service.mounts())
                mounts.addObject().put("path", m.path()).put("type", m.kind().wireName());
        }
        if (!service.networks().isEmpty()) node.set("networks", strings(service.networks()));
        if (!service.expose().isEmpty()) {
            var expose = node.putArray("expose");
            for (var e : service.expose())
                expose.addObject().put("port", e.port()).put("public", e.publicPort());
        }
        return node;
    }

    private static ObjectNode resources(Resources resources) {
        var node = NODES.objectNode();
        long cpu = resources.cpuMillis();
        if (cpu % 1000 == 0) node.put("cpu", cpu / 1000);
        else node.put("cpu", Quantities.formatCpu(cpu));
        String memory = Quantities.formatMemory(resources.memoryBytes());
        if (memory.chars().allMatch(Character::isDigit)) node.put("memory", resources.memoryBytes());
        else node.put("memory", memory);
        return node;
    }

    private static ObjectNode health(HealthCheck health) {
        var node = NODES.objectNode();
        switch (health.probe()) {
            case HealthCheck.Http http -> {
                var probe = node.putObject("http");
                probe.put("path", http.path());
                probe.put("port", http.port());
            }
            case HealthCheck.Tcp tcp -> node.putObject("tcp").put("port", tcp.port());
            case HealthCheck.Command command -> node.set("command", strings(command.command()));
        }
        node.put("interval", DurationText.format(health.interval()));
        node.put("timeout", DurationText.format(health.timeout()));
        node.put("threshold", health.threshold());
        return node;
    }

    private static ObjectNode placement(PlacementIntent p) {
        var node = NODES.objectNode();
        putSorted(node, "jurisdictions", p.jurisdictions());
        putSorted(node, "countries", p.countries());
        putSorted(node, "sites", p.sites());
        putSorted(node, "avoidSites", p.avoidSites());
        putSorted(node, "requireTags", p.requireTags());
        putSorted(node, "preferTags", p.preferTags());
        if (!p.nearUsers().isEmpty()) {
            var regions = node.putArray("nearUsers");
            for (var region : p.nearUsers()) {
                var r = regions.addObject();
                r.put("name", region.name());
                r.put("lat", region.location().lat());
                r.put("lon", region.location().lon());
                region.maxLatencyMs().ifPresent(ms -> r.put("maxLatencyMs", ms));
            }
        }
        p.spread().ifPresent(spread -> {
            var s = node.putObject("spread");
            s.put("across", spread.across().name().toLowerCase(Locale.ROOT));
            s.put("minDomains", spread.minDomains());
        });
        if (p.antiAffinity() != PlacementIntent.AntiAffinity.NONE) {
            node.put("antiAffinity", p.antiAffinity().name().toLowerCase(Locale.ROOT));
        }
        if (p.strategy() != PlacementIntent.Strategy.SPREAD) {
            node.put("strategy", p.strategy().name().toLowerCase(Locale.ROOT));
        }
        return node;
    }

    private static void putSorted(ObjectNode node, String field, Collection<String> values) {
        if (!values.isEmpty()) node.set(field, strings(new TreeSet<>(values)));
    }

    private static ArrayNode strings(Collection<String> values) {
        var array = NODES.arrayNode(values.size());
        values.forEach(array::add);
        return array;
    }

    private static String write(ObjectMapper mapper, ObjectNode tree) {
        return write(mapper.writer(), tree);
    }

    private static String write(com.fasterxml.jackson.databind.ObjectWriter writer, ObjectNode tree) {
        try {
            return writer.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always serialises; failing here is a bug, not bad input.
            throw new UncheckedIOException(e);
        }
    }
}
