package dev.atoll.sim.scenario;

import static dev.atoll.model.spec.FieldReader.quote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.model.GeoPoint;
import dev.atoll.model.spec.DurationText;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.spec.FieldReader;
import dev.atoll.model.spec.UserDocument;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.Topologies;
import dev.atoll.model.topology.Topology;
import dev.atoll.model.topology.TopologyParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a scenario file (YAML or JSON) into a {@link Scenario}, or every error found with its field
 * path, like {@link dev.atoll.model.spec.SpecParser}: unknown fields are errors, the whole file is
 * read after the first error, nothing is thrown for bad input. The format is in atoll-sim/README.md
 * and at the top of each shipped scenario.
 *
 * <p>Names are checked against the sites and users of every variant, so a plan never meets a site
 * that is not there: generated sites have names that do not depend on the seed for that reason.
 */
public final class ScenarioParser {
    static final List<String> TOP_FIELDS = List.of(
            "name",
            "description",
            "duration",
            "settle",
            "messageLoss",
            "sites",
            "latency",
            "users",
            "workload",
            "faults",
            "rebalance",
            "variants");
    static final List<String> REBALANCE_FIELDS =
            List.of("enabled", "cpuThreshold", "memoryThreshold", "window", "period", "usageShare");
    static final List<String> VARIANT_FIELDS = List.of("description", "sites", "latency", "users");
    static final List<String> GENERATE_SITES_FIELDS = List.of("count", "nodes", "jitterKm");
    static final List<String> LATENCY_FIELDS = List.of("model", "hopMs", "inSiteMs", "accessMs", "matrix");
    static final List<String> USER_FIELDS = List.of("name", "lat", "lon", "users");

    static final Duration MAX_DURATION = Duration.ofDays(7);
    static final Duration MAX_SETTLE = Duration.ofDays(1);
    static final Duration DEFAULT_SETTLE = Duration.ofSeconds(60);
    static final int MAX_DESCRIPTION_CHARS = 4000;
    static final int MAX_VARIANTS = 16;
    /** Every node is a record in memory and an agent in the simulator: a million is plenty. */
    static final int MAX_NODES = 1_000_000;

    static final int MAX_USER_POPULATIONS = 10_000;
    static final double DEFAULT_JITTER_KM = 20;
    static final double DEFAULT_HOP_MS = 1.0;
    static final double DEFAULT_IN_SITE_MS = 0.2;
    /** The last mile: a user's own network to the nearest point of presence. */
    static final double DEFAULT_ACCESS_MS = 5.0;

    static final double MAX_LATENCY_MS = 10_000;

    private ScenarioParser() {}

    /** One variant's world as the checks need it: the concrete sites (without jitter) and users. */
    record CheckedWorld(String variant, Scenario.World world, Worlds.Layout layout, List<UserPopulation> users) {
        /** "this scenario" or "variant edge", for reasons. */
        String label() {
            return variant.isEmpty() ? "this scenario" : "variant " + variant;
        }
    }

    public static ScenarioResult parse(String yaml) {
        var read = UserDocument.read(yaml);
        if (!read.errors().isEmpty()) return new ScenarioResult.Invalid(read.errors());
        JsonNode tree = read.tree().orElse(null);
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            return new ScenarioResult.Invalid(List.of(new FieldError(
                    "", "the document is empty; expected a scenario with name, duration, sites and workload")));
        }
        var errors = new ArrayList<FieldError>();
        var root = FieldReader.root(tree, errors);
        if (!tree.isObject()) {
            root.error("expected a scenario: an object with " + String.join(", ", TOP_FIELDS) + ", got "
                    + FieldReader.describe(tree));
            return new ScenarioResult.Invalid(errors);
        }
        root.object(TOP_FIELDS);
        var nameField = root.field("name");
        String name = nameField.required("the scenario's name, e.g. chaos")
                ? nameField.string(FieldReader::checkDnsLabel).orElse("")
                : "";
        String description = root.field("description")
                .string(d -> d.length() > MAX_DESCRIPTION_CHARS
                        ? Optional.of("at most " + MAX_DESCRIPTION_CHARS + " characters")
                        : Optional.empty())
                .orElse("");
        var durationField = root.field("duration");
        var duration = durationField.required("how long the workload and faults run, e.g. 10m")
                ? duration(durationField, Duration.ofSeconds(1), MAX_DURATION)
                : Optional.<Duration>empty();
        var settle = duration(root.field("settle"), Duration.ZERO, MAX_SETTLE).orElse(DEFAULT_SETTLE);
        double messageLoss = root.field("messageLoss").decimal(0, 1).orElse(0.0);

        var worlds = readWorlds(root);
        // Names are only checked against worlds that were read without error.
        List<CheckedWorld> checked = worlds.isPresent() && errors.isEmpty() ? check(worlds.get()) : List.of();
        // Without a valid duration, checks against it are left out rather than made against a guess.
        var workload = WorkloadReader.read(root.field("workload"), duration, checked);
        var faults = FaultReader.read(root.field("faults"), duration, checked);
        var rebalancing = readRebalancing(root.field("rebalance"));

        if (!errors.isEmpty()) return new ScenarioResult.Invalid(errors);
        var byVariant = new LinkedHashMap<String, Scenario.World>();
        for (var w : worlds.orElseThrow()) byVariant.put(w.variant(), w.world());
        return new ScenarioResult.Parsed(new Scenario(
                name,
                description,
                duration.orElseThrow(),
                settle,
                messageLoss,
                byVariant,
                workload,
                faults.fixed(),
                faults.random(),
                rebalancing));
    }

    /**
     * {@code rebalance: {enabled, cpuThreshold, memoryThreshold, window, period, usageShare}}; every
     * field optional ({@link Scenario.Rebalancing#DEFAULTS}), {@code rebalance: {}} turns it on.
     */
    private static Optional<Scenario.Rebalancing> readRebalancing(FieldReader field) {
        if (!field.present()) return Optional.empty();
        if (field.object(REBALANCE_FIELDS).isEmpty()) return Optional.empty();
        var d = Scenario.Rebalancing.DEFAULTS;
        boolean enabled = field.field("enabled").bool().orElse(d.enabled());
        double cpu = positive(field.field("cpuThreshold"), 1).orElse(d.cpuThreshold());
        double memory = positive(field.field("memoryThreshold"), 1).orElse(d.memoryThreshold());
        var window =
                duration(field.field("window"), Duration.ZERO, MAX_DURATION).orElse(d.window());
        var period = duration(field.field("period"), Duration.ofMillis(100), Duration.ofMinutes(10))
                .orElse(d.period());
        double share = positive(field.field("usageShare"), 1).orElse(d.usageShare());
        return Optional.of(new Scenario.Rebalancing(enabled, cpu, memory, window, period, share));
    }

    // ---- worlds: sites, latency and users, per variant ----

    private record WorldParts(
            Optional<Scenario.Sites> sites,
            Optional<Scenario.Latency> latency,
            Optional<Scenario.Users> users,
            FieldReader sitesField,
            FieldReader latencyField) {}

    private static WorldParts readParts(FieldReader owner) {
        var sitesField = owner.field("sites");
        var latencyField = owner.field("latency");
        return new WorldParts(
                readSites(sitesField),
                readLatency(latencyField),
                readUsers(owner.field("users")),
                sitesField,
                latencyField);
    }

    /** A variant's world and the latency field it took its latency from, for the matrix check. */
    private record ReadWorld(String variant, Scenario.World world, FieldReader latencyField) {}

    /** Each variant's world, in file order; empty after an error. */
    private static Optional<List<ReadWorld>> readWorlds(FieldReader root) {
        var base = readParts(root);
        var variantsField = root.field("variants");
        var worlds = new ArrayList<ReadWorld>();
        if (!variantsField.present()) {
            if (!base.sitesField().present()) {
                base.sitesField().required("a list of sites, or {generate: {count: N, nodes: {count: M}}}");
                return Optional.empty();
            }
            if (base.sites().isEmpty()) return Optional.empty();
            worlds.add(new ReadWorld(
                    Scenario.NO_VARIANT, world(base.sites().get(), base.latency(), base.users()), base.latencyField()));
            return Optional.of(worlds);
        }
        var entries = variantsField.map("variants", MAX_VARIANTS);
        if (entries.isEmpty()) return Optional.empty();
        if (entries.get().isEmpty()) {
            variantsField.error("give at least one variant, or leave variants out");
            return Optional.empty();
        }
        boolean complete = true;
        for (var entry : entries.get().entrySet()) {
            var variant = entry.getValue();
            var badName = FieldReader.checkDnsLabel(entry.getKey());
            if (badName.isPresent()) variant.error(badName.get());
            if (!variant.present()) {
                variant.error("expected an object with " + String.join(", ", VARIANT_FIELDS) + ", got null");
                complete = false;
                continue;
            }
            if (variant.object(VARIANT_FIELDS).isEmpty()) {
                complete = false;
                continue;
            }
            variant.field("description").string();
            var own = readParts(variant);
            Optional<Scenario.Sites> sites = own.sitesField().present() ? own.sites() : base.sites();
            if (!own.sitesField().present() && !base.sitesField().present()) {
                own.sitesField().required("the scenario has no sites of its own, so each variant gives them");
            }
            boolean ownLatency = own.latencyField().present();
            var latency = ownLatency ? own.latency() : base.latency();
            var users = variant.field("users").present() ? own.users() : base.users();
            if (sites.isEmpty()) {
                complete = false;
                continue;
            }
            worlds.add(new ReadWorld(
                    entry.getKey(),
                    world(sites.get(), latency, users),
                    ownLatency ? own.latencyField() : base.latencyField()));
        }
        return complete ? Optional.of(worlds) : Optional.empty();
    }

    private static Scenario.World world(
            Scenario.Sites sites, Optional<Scenario.Latency> latency, Optional<Scenario.Users> users) {
        return new Scenario.World(
                sites,
                latency.orElse(new Scenario.Latency.GreatCircle(DEFAULT_HOP_MS, DEFAULT_IN_SITE_MS, DEFAULT_ACCESS_MS)),
                users.orElse(Scenario.Users.NONE));
    }

    private static Optional<Scenario.Sites> readSites(FieldReader field) {
        if (!field.present()) return Optional.empty();
        if (field.node().isObject()) {
            if (field.object(List.of("generate")).isEmpty()) return Optional.empty();
            var generate = field.field("generate");
            if (!generate.required("{count: N, nodes: {count: M, cpu: 8, memory: 16Gi}}")
                    || generate.object(GENERATE_SITES_FIELDS).isEmpty()) {
                return Optional.empty();
            }
            var countField = generate.field("count");
            var count = countField.required("how many sites, e.g. 100")
                    ? countField.integer(1, Topologies.MAX_SITES)
                    : Optional.<Integer>empty();
            var nodesField = generate.field("nodes");
            List<NodeInfo> nodes = nodesField.required("the nodes of each site, e.g. {count: 10, cpu: 8, memory: 16Gi}")
                    ? TopologyParser.readNodeGroup("", nodesField, Worlds.SIM_DRIVERS)
                    : List.of();
            double jitter = generate.field("jitterKm").decimal(0, 500).orElse(DEFAULT_JITTER_KM);
            if (count.isEmpty() || nodes.isEmpty()) return Optional.empty();
            if ((long) count.get() * nodes.size() > MAX_NODES) {
                generate.error(count.get() + " sites of " + nodes.size() + " nodes make "
                        + (long) count.get() * nodes.size() + " nodes; at most " + MAX_NODES);
                return Optional.empty();
            }
            return Optional.of(new Scenario.Sites.Generated(count.get(), nodes, jitter));
        }
        if (!field.node().isArray()) {
            field.error("expected a list of sites or {generate: {count: N, nodes: {count: M}}}, got "
                    + FieldReader.describe(field.node()));
            return Optional.empty();
        }
        var sites = TopologyParser.readSites(field, Worlds.SIM_DRIVERS);
        long nodes = sites.stream().mapToLong(s -> s.nodes().size()).sum();
        if (nodes > MAX_NODES) {
            field.error("the sites have " + nodes + " nodes; at most " + MAX_NODES);
            return Optional.empty();
        }
        if (sites.size() != field.node().size()) return Optional.empty();
        return Optional.of(new Scenario.Sites.Listed(new Topology(sites)));
    }

    private static Optional<Scenario.Latency> readLatency(FieldReader field) {
        if (field.object(LATENCY_FIELDS).isEmpty()) return Optional.empty();
        var matrixField = field.field("matrix");
        var modelField = field.field("model");
        String model = modelField
                .oneOf(List.of("great-circle", "matrix"))
                .orElse(matrixField.present() ? "matrix" : "great-circle");
        double inSite = field.field("inSiteMs").decimal(0, MAX_LATENCY_MS).orElse(DEFAULT_IN_SITE_MS);
        double access = field.field("accessMs").decimal(0, MAX_LATENCY_MS).orElse(DEFAULT_ACCESS_MS);
        var hopField = field.field("hopMs");
        if (model.equals("great-circle")) {
            if (matrixField.present()) matrixField.error("only with model: matrix");
            double hop = hopField.decimal(0, MAX_LATENCY_MS).orElse(DEFAULT_HOP_MS);
            return Optional.of(new Scenario.Latency.GreatCircle(hop, inSite, access));
        }
        if (hopField.present()) hopField.error("only with model: great-circle; a matrix gives the whole delay");
        if (!matrixField.required("one-way delays in ms: {london: {paris: 4, new-york: 35}, paris: {...}}"))
            return Optional.empty();
        return readMatrix(matrixField).map(m -> new Scenario.Latency.Matrix(m, inSite, access));
    }

    private static Optional<Map<String, Map<String, Double>>> readMatrix(FieldReader field) {
        var rows = field.map("sites", Topologies.MAX_SITES);
        if (rows.isEmpty()) return Optional.empty();
        var matrix = new LinkedHashMap<String, Map<String, Double>>();
        boolean ok = true;
        for (var row : rows.get().entrySet()) {
            String a = row.getKey();
            var badA = FieldReader.checkDnsLabel(a);
            if (badA.isPresent()) row.getValue().error(badA.get());
            var cells = row.getValue().map("sites", Topologies.MAX_SITES);
            if (cells.isEmpty()) {
                if (!row.getValue().present()) row.getValue().error("expected a map of site to delay in ms, got null");
                ok = false;
                continue;
            }
            var out = new LinkedHashMap<String, Double>();
            for (var cell : cells.get().entrySet()) {
                String b = cell.getKey();
                var value = cell.getValue();
                if (b.equals(a)) {
                    value.error("a site's delay to itself is inSiteMs");
                    ok = false;
                    continue;
                }
                var ms = positive(value, MAX_LATENCY_MS);
                if (!value.present()) value.error("expected a delay in ms, got null");
                if (ms.isEmpty()) {
                    ok = false;
                    continue;
                }
                Double reverse = matrix.containsKey(b) ? matrix.get(b).get(a) : null;
                if (reverse != null && !reverse.equals(ms.get())) {
                    value.error("differs from " + b + "." + a + " (" + plain(reverse) + " ms); delays are the same"
                            + " both ways, give one of them");
                    ok = false;
                }
                out.put(b, ms.get());
            }
            matrix.put(a, out);
        }
        return ok ? Optional.of(matrix) : Optional.empty();
    }

    private static Optional<Scenario.Users> readUsers(FieldReader field) {
        if (!field.present()) return Optional.empty();
        if (field.node().isObject()) {
            if (field.object(List.of("generate")).isEmpty()) return Optional.empty();
            var generate = field.field("generate");
            if (!generate.required("{count: N}: the N most populous cities of the built-in table")
                    || generate.object(List.of("count")).isEmpty()) {
                return Optional.empty();
            }
            var countField = generate.field("count");
            if (!countField.required("how many populations, e.g. 50")) return Optional.empty();
            return countField.integer(1, WorldCities.ALL.size()).map(Scenario.Users.Generated::new);
        }
        var items =
                field.list("user populations {name, lat, lon, users}, or {generate: {count: N}}", MAX_USER_POPULATIONS);
        if (items.isEmpty()) return Optional.empty();
        var populations = new ArrayList<UserPopulation>();
        var seen = new LinkedHashMap<String, String>();
        boolean ok = true;
        for (var item : items.get()) {
            if (!item.present()) item.error("expected an object with " + String.join(", ", USER_FIELDS) + ", got null");
            if (item.object(USER_FIELDS).isEmpty()) {
                ok = false;
                continue;
            }
            var nameField = item.field("name");
            var name = nameField.required("e.g. paris")
                    ? nameField.string(n -> seen.containsKey(n)
                            ? Optional.of(quote(n) + " is already the name of " + seen.get(n))
                            : FieldReader.checkDnsLabel(n))
                    : Optional.<String>empty();
            name.ifPresent(n -> seen.put(n, item.path()));
            var latField = item.field("lat");
            var lat = latField.required("latitude in degrees, -90 to 90")
                    ? latField.decimal(-90, 90)
                    : Optional.<Double>empty();
            var lonField = item.field("lon");
            var lon = lonField.required("longitude in degrees, -180 to 180")
                    ? lonField.decimal(-180, 180)
                    : Optional.<Double>empty();
            var usersField = item.field("users");
            var users = usersField.required("how many people, e.g. 1000000")
                    ? usersField.integer(1, Integer.MAX_VALUE)
                    : Optional.<Integer>empty();
            if (name.isEmpty() || lat.isEmpty() || lon.isEmpty() || users.isEmpty()) {
                ok = false;
                continue;
            }
            populations.add(new UserPopulation(name.get(), new GeoPoint(lat.get(), lon.get()), users.get()));
        }
        return ok ? Optional.of(new Scenario.Users.Listed(populations)) : Optional.empty();
    }

    /** Builds each world without jitter and checks what depends on its sites: the matrix. */
    private static List<CheckedWorld> check(List<ReadWorld> worlds) {
        var checked = new ArrayList<CheckedWorld>();
        var anySite = new java.util.HashSet<String>();
        for (var read : worlds) {
            var world = read.world();
            var c = new CheckedWorld(
                    read.variant(), world, Worlds.layout(world.sites(), null), Worlds.users(world.users()));
            anySite.addAll(c.layout().siteNames());
            checked.add(c);
        }
        var reported = new java.util.HashSet<String>();
        for (int i = 0; i < worlds.size(); i++) {
            checkMatrix(checked.get(i), worlds.get(i).latencyField(), anySite, reported);
        }
        return checked;
    }

    /**
     * Every pair of the world's sites has a delay; a name no variant has is a mistake (a matrix shared
     * by variants may name sites only some of them have).
     */
    private static void checkMatrix(
            CheckedWorld world,
            FieldReader latencyField,
            java.util.Set<String> anySite,
            java.util.Set<String> reported) {
        if (!(world.world().latency() instanceof Scenario.Latency.Matrix matrix)) return;
        var names = world.layout().siteNames();
        var matrixField = latencyField.field("matrix");
        for (var row : matrix.oneWayMs().entrySet()) {
            var rowField = matrixField.field(row.getKey());
            if (!anySite.contains(row.getKey()) && reported.add(rowField.path())) {
                rowField.error(quote(row.getKey()) + " is not a site of this scenario");
            }
            for (String b : row.getValue().keySet()) {
                var cell = rowField.field(b);
                if (!anySite.contains(b) && reported.add(cell.path()))
                    cell.error(quote(b) + " is not a site of this scenario");
            }
        }
        var missing = new ArrayList<String>();
        int count = 0;
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                String a = names.get(i), b = names.get(j);
                if (has(matrix, a, b) || has(matrix, b, a)) continue;
                if (count++ < 5) missing.add(a + "-" + b);
            }
        }
        if (count > 0) {
            matrixField.error("no delay for " + count + " pair" + (count == 1 ? "" : "s") + " of sites of "
                    + world.label() + ": " + String.join(", ", missing) + (count > 5 ? ", ..." : "")
                    + "; give a: {b: ms} or b: {a: ms} for each");
        }
    }

    private static boolean has(Scenario.Latency.Matrix matrix, String a, String b) {
        var row = matrix.oneWayMs().get(a);
        return row != null && row.containsKey(b);
    }

    // ---- values shared by the readers ----

    /** A duration written as 500ms, 30s, 10m, 1h or 1h30m, between {@code min} and {@code max}. */
    static Optional<Duration> duration(FieldReader field, Duration min, Duration max) {
        if (!field.present()) return Optional.empty();
        if (!field.node().isTextual()) {
            field.error("expected a duration such as 500ms, 30s, 10m or 1h, got " + FieldReader.describe(field.node()));
            return Optional.empty();
        }
        String text = field.node().textValue();
        var d = text.length() > 64 ? Optional.<Duration>empty() : DurationText.parse(text);
        if (d.isEmpty()) {
            field.error(quote(text) + " is not a duration (examples: 500ms, 30s, 10m, 1h30m)");
            return Optional.empty();
        }
        if (d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
            field.error("must be between " + format(min) + " and " + format(max) + ", got " + quote(text));
            return Optional.empty();
        }
        return d;
    }

    /** As a user would write it: 0s, 500ms, 10m, 7d as 168h. */
    static String format(Duration d) {
        return d.isZero() ? "0s" : DurationText.format(d);
    }

    /** A number more than 0 and at most {@code max}. */
    static Optional<Double> positive(FieldReader field, double max) {
        if (field.present() && field.node().isNumber() && field.node().doubleValue() <= 0) {
            field.error("must be more than 0, got " + field.node().asText());
            return Optional.empty();
        }
        return field.decimal(0, max);
    }

    static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
