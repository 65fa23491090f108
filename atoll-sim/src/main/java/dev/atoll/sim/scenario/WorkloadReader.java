package dev.atoll.sim.scenario;

import static dev.atoll.model.spec.FieldReader.quote;

import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.spec.FieldReader;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads {@code workload}: arrivals, tenants and the mix of environments. */
final class WorkloadReader {
    static final List<String> FIELDS = List.of("arrivals", "tenants", "mix");
    static final List<String> ARRIVAL_FIELDS = List.of("ratePerSecond", "count", "rampUp");
    static final List<String> MIX_FIELDS = List.of("weight", "spec", "lifetime", "nearUsers", "maxLatencyMs");
    static final List<String> LIFETIME_FIELDS = List.of("min", "max", "mean");
    /** A plan holds every arrival in memory; a million environments is about 300 MB. */
    static final int MAX_ARRIVALS = 1_000_000;
    /** Room for "-1000000" after the spec's name in a 63-character DNS label. */
    static final int MAX_SPEC_NAME_CHARS = 63 - 1 - String.valueOf(MAX_ARRIVALS).length();

    static final double MAX_RATE_PER_SECOND = 100_000;
    static final int MAX_TENANTS = 10_000;
    static final int MAX_MIX = 64;
    static final double MAX_WEIGHT = 1_000_000;
    static final int MAX_LATENCY_MS = 60_000;
    static final Duration MIN_LIFETIME = Duration.ofMillis(1);
    static final Duration MAX_LIFETIME = Duration.ofDays(30);

    private WorkloadReader() {}

    static Optional<Scenario.Workload> read(
            FieldReader field, Optional<Duration> duration, List<ScenarioParser.CheckedWorld> worlds) {
        if (field.object(FIELDS).isEmpty()) return Optional.empty();
        var arrivals = readArrivals(field.field("arrivals"), duration);
        var tenants = readTenants(field.field("tenants"));
        var mixField = field.field("mix");
        var mix = new ArrayList<Scenario.MixEntry>();
        boolean mixOk = false;
        if (mixField.required("the kinds of environment that arrive: [{weight: 1, spec: {...}}]")) {
            var items = mixField.list("mix entries {weight, spec, lifetime, nearUsers, maxLatencyMs}", MAX_MIX);
            if (items.isPresent() && items.get().isEmpty()) mixField.error("must have at least one entry");
            mixOk = items.isPresent() && !items.get().isEmpty();
            for (var item : items.orElse(List.of())) {
                var entry = readEntry(item, worlds);
                if (entry.isEmpty()) mixOk = false;
                entry.ifPresent(mix::add);
            }
        }
        if (arrivals.isEmpty() || tenants.isEmpty() || !mixOk) return Optional.empty();
        return Optional.of(new Scenario.Workload(arrivals.get(), tenants.get(), mix));
    }

    private static Optional<Scenario.Arrivals> readArrivals(FieldReader field, Optional<Duration> known) {
        var duration = known.orElse(ScenarioParser.MAX_DURATION);
        if (!field.required("{ratePerSecond: 2} and optionally count and rampUp")) return Optional.empty();
        if (field.object(ARRIVAL_FIELDS).isEmpty()) return Optional.empty();
        var rateField = field.field("ratePerSecond");
        var rate = rateField.required("environments per second, e.g. 2 or 0.1")
                ? ScenarioParser.positive(rateField, MAX_RATE_PER_SECOND)
                : Optional.<Double>empty();
        var count = field.field("count").integer(1, MAX_ARRIVALS);
        var rampUp = ScenarioParser.duration(field.field("rampUp"), Duration.ZERO, duration)
                .orElse(Duration.ZERO);
        if (rate.isEmpty()) return Optional.empty();
        if (count.isEmpty() && known.isPresent()) {
            // The mean number of arrivals: the ramp brings half its share.
            double seconds = (duration.toNanos() - rampUp.toNanos() / 2.0) / 1e9;
            double expected = rate.get() * seconds;
            if (expected > MAX_ARRIVALS * 0.9) {
                rateField.error("about " + Math.round(expected) + " environments would arrive in "
                        + ScenarioParser.format(duration) + "; at most " + MAX_ARRIVALS
                        + " can be planned: lower ratePerSecond or set count");
                return Optional.empty();
            }
        }
        return Optional.of(new Scenario.Arrivals(rate.get(), count, rampUp));
    }

    private static Optional<List<String>> readTenants(FieldReader field) {
        if (!field.present()) return Optional.of(List.of(EnvironmentSpec.DEFAULT_TENANT));
        if (field.node().isNumber()) {
            return field.integer(1, MAX_TENANTS).map(n -> {
                var names = new ArrayList<String>(n);
                for (int i = 1; i <= n; i++) names.add("tenant-" + i);
                return names;
            });
        }
        if (!field.node().isArray()) {
            field.error("expected how many tenants (e.g. 20) or their names (e.g. [acme, globex]), got "
                    + FieldReader.describe(field.node()));
            return Optional.empty();
        }
        var names = field.distinctStrings(MAX_TENANTS, FieldReader::checkDnsLabel);
        if (names.isPresent() && names.get().isEmpty()) {
            field.error("must name at least one tenant");
            return Optional.empty();
        }
        return names;
    }

    private static Optional<Scenario.MixEntry> readEntry(FieldReader item, List<ScenarioParser.CheckedWorld> worlds) {
        if (!item.present()) item.error("expected an object with " + String.join(", ", MIX_FIELDS) + ", got null");
        if (item.object(MIX_FIELDS).isEmpty()) return Optional.empty();
        var weightField = item.field("weight");
        var weight = weightField.required("how often this kind arrives relative to the others, e.g. 1")
                ? ScenarioParser.positive(weightField, MAX_WEIGHT)
                : Optional.<Double>empty();
        var specField = item.field("spec");
        Optional<EnvironmentSpec> spec = Optional.empty();
        Optional<String> tenant = Optional.empty();
        if (specField.required("an environment as atoll deploy reads it: {apiVersion: atoll/v1, kind: Environment,"
                + " metadata: {name: web}, spec: {services: {...}}}")) {
            spec = readSpec(specField);
            var tenantNode = specField.node().path("metadata").path("tenant");
            if (spec.isPresent() && !tenantNode.isMissingNode() && !tenantNode.isNull()) {
                tenant = Optional.of(spec.get().tenant());
            }
        }
        var lifetime = readLifetime(item.field("lifetime"));
        var nearUsersField = item.field("nearUsers");
        boolean nearUsers = nearUsersField.bool().orElse(false);
        if (nearUsers) {
            for (var world : worlds) {
                if (world.users().isEmpty()) {
                    nearUsersField.error(world.label() + " has no users; add users: [{name, lat, lon, users}] or"
                            + " users: {generate: {count: N}}");
                }
            }
        }
        var maxField = item.field("maxLatencyMs");
        var maxLatency = maxField.integer(1, MAX_LATENCY_MS);
        if (maxField.present() && !nearUsers) maxField.error("only with nearUsers: true");
        if (weight.isEmpty() || spec.isEmpty() || lifetime.isEmpty()) return Optional.empty();
        return Optional.of(
                new Scenario.MixEntry(weight.get(), spec.get(), tenant, lifetime.get(), nearUsers, maxLatency));
    }

    /** The spec through SpecParser itself, its errors moved under this field's path. */
    private static Optional<EnvironmentSpec> readSpec(FieldReader field) {
        switch (SpecParser.parse(field.node())) {
            case SpecResult.Invalid invalid -> {
                for (FieldError e : invalid.errors()) {
                    var at = e.path().isEmpty() ? field : new Relative(field).at(e.path());
                    at.error(e.reason());
                }
                return Optional.empty();
            }
            case SpecResult.Valid valid -> {
                var spec = valid.spec();
                if (spec.name().length() > MAX_SPEC_NAME_CHARS) {
                    field.field("metadata")
                            .field("name")
                            .error("at most " + MAX_SPEC_NAME_CHARS + " characters, so that each arrival's"
                                    + " environment name (the name and a number) is a DNS label");
                    return Optional.empty();
                }
                return Optional.of(spec);
            }
        }
    }

    /**
     * Walks a path the spec parser reported ({@code spec.services.web.replicas},
     * {@code spec.services["a b"].env}) below a field, so the error lands at the full path.
     */
    private record Relative(FieldReader base) {
        FieldReader at(String path) {
            var reader = base;
            int i = 0;
            while (i < path.length()) {
                char c = path.charAt(i);
                if (c == '.') {
                    i++;
                } else if (c == '[') {
                    int close = closing(path, i);
                    String inside = path.substring(i + 1, close);
                    reader = inside.startsWith("\"")
                            ? reader.field(unquote(inside))
                            : reader.item(Integer.parseInt(inside));
                    i = close + 1;
                } else {
                    int end = i;
                    while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') end++;
                    reader = reader.field(path.substring(i, end));
                    i = end;
                }
            }
            return reader;
        }

        private static int closing(String path, int open) {
            boolean quoted = false;
            for (int i = open + 1; i < path.length(); i++) {
                char c = path.charAt(i);
                if (quoted && c == '\\') i++;
                else if (c == '"') quoted = !quoted;
                else if (c == ']' && !quoted) return i;
            }
            return path.length() - 1;
        }

        private static String unquote(String quoted) {
            var b = new StringBuilder();
            for (int i = 1; i < quoted.length() - 1; i++) {
                char c = quoted.charAt(i);
                if (c == '\\' && i + 1 < quoted.length() - 1) c = quoted.charAt(++i);
                b.append(c);
            }
            return b.toString();
        }
    }

    private static Optional<Scenario.Lifetime> readLifetime(FieldReader field) {
        if (!field.present()) return Optional.of(new Scenario.Lifetime.Forever());
        String hint = "write forever, {mean: 5m} (exponential) or {min: 1s, max: 10m} (uniform)";
        if (field.node().isTextual()) {
            if (field.node().textValue().equals("forever")) return Optional.of(new Scenario.Lifetime.Forever());
            field.error(quote(field.node().textValue()) + " is not a lifetime; " + hint);
            return Optional.empty();
        }
        if (!field.node().isObject()) {
            field.error("expected a lifetime, got " + FieldReader.describe(field.node()) + "; " + hint);
            return Optional.empty();
        }
        if (field.object(LIFETIME_FIELDS).isEmpty()) return Optional.empty();
        var minField = field.field("min");
        var maxField = field.field("max");
        var meanField = field.field("mean");
        var min = ScenarioParser.duration(minField, MIN_LIFETIME, MAX_LIFETIME);
        var max = ScenarioParser.duration(maxField, MIN_LIFETIME, MAX_LIFETIME);
        var mean = ScenarioParser.duration(meanField, MIN_LIFETIME, MAX_LIFETIME);
        if (meanField.present()) {
            if (minField.present() || maxField.present()) {
                field.error("give either mean, or min and max; " + hint);
                return Optional.empty();
            }
            return mean.map(Scenario.Lifetime.Exponential::new);
        }
        if (!minField.present() || !maxField.present()) {
            field.error("give both min and max, or mean; " + hint);
            return Optional.empty();
        }
        if (min.isEmpty() || max.isEmpty()) return Optional.empty();
        if (min.get().compareTo(max.get()) > 0) {
            maxField.error("must be at least min (" + minField.node().textValue() + ")");
            return Optional.empty();
        }
        return Optional.of(new Scenario.Lifetime.Between(min.get(), max.get()));
    }
}
