package dev.atoll.model.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A position in a user's document (a tree and the path to it) that reads typed values and records
 * a {@link FieldError} for every thing wrong instead of stopping at the first. Shared by
 * {@link SpecParser} and the topology parser so both report the same paths and reasons.
 *
 * <p>Absent and null values read as empty without an error: {@code replicas:} with nothing after it
 * means "use the default", as in Kubernetes. Callers that need a value ask {@link #required}.
 */
public final class FieldReader {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Set<String> ISO_COUNTRIES =
            Set.copyOf(Locale.getISOCountries(Locale.IsoCountryCode.PART1_ALPHA2));
    private static final Pattern JURISDICTION = Pattern.compile("[A-Z][A-Z0-9-]{0,31}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/=-]{0,62}");

    private final String path;
    private final JsonNode node;
    private final List<FieldError> errors;

    private FieldReader(String path, JsonNode node, List<FieldError> errors) {
        this.path = path;
        this.node = node;
        this.errors = errors;
    }

    /** The document's root; errors found while reading anything under it are added to {@code errors}. */
    public static FieldReader root(JsonNode node, List<FieldError> errors) {
        return new FieldReader("", node, errors);
    }

    public String path() {
        return path;
    }

    public JsonNode node() {
        return node;
    }

    public boolean present() {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    public void error(String reason) {
        errors.add(new FieldError(path, reason));
    }

    /** Records "required" (with a hint of what to write) when absent; true when present. */
    public boolean required(String hint) {
        if (present()) return true;
        error(hint.isEmpty() ? "required" : "required; " + hint);
        return false;
    }

    public FieldReader field(String name) {
        String childPath = PLAIN_KEY.matcher(name).matches()
                ? (path.isEmpty() ? name : path + "." + name)
                : path + "[\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
        return new FieldReader(childPath, node == null ? null : node.get(name), errors);
    }

    public FieldReader item(int index) {
        return new FieldReader(path + "[" + index + "]", node == null ? null : node.get(index), errors);
    }

    /**
     * The fields of an object in document order, after reporting every field not in {@code allowed}.
     * Empty when absent or not an object (the latter reported).
     */
    public Optional<Map<String, FieldReader>> object(List<String> allowed) {
        if (!present()) return Optional.empty();
        if (!node.isObject()) {
            error("expected an object with " + String.join(", ", allowed) + ", got " + describe(node));
            return Optional.empty();
        }
        var fields = new LinkedHashMap<String, FieldReader>();
        for (var entry : node.properties()) {
            var child = field(entry.getKey());
            if (allowed.contains(entry.getKey())) fields.put(entry.getKey(), child);
            else child.error("unknown field; expected one of: " + String.join(", ", allowed));
        }
        return Optional.of(fields);
    }

    /** The entries of a map whose keys the caller chooses (service names, env vars), at most {@code max}. */
    public Optional<Map<String, FieldReader>> map(String what, int max) {
        if (!present()) return Optional.empty();
        if (!node.isObject()) {
            error("expected a map of " + what + ", got " + describe(node));
            return Optional.empty();
        }
        if (node.size() > max) {
            error("at most " + max + " " + what + " allowed, got " + node.size());
            return Optional.empty();
        }
        var entries = new LinkedHashMap<String, FieldReader>();
        for (var entry : node.properties()) entries.put(entry.getKey(), field(entry.getKey()));
        return Optional.of(entries);
    }

    /** The items of a list of at most {@code max} things described by {@code what} ("strings"). */
    public Optional<List<FieldReader>> list(String what, int max) {
        if (!present()) return Optional.empty();
        if (!node.isArray()) {
            error("expected a list of " + what + ", got " + describe(node));
            return Optional.empty();
        }
        if (node.size() > max) {
            error("at most " + max + " items allowed, got " + node.size());
            return Optional.empty();
        }
        var items = new ArrayList<FieldReader>(node.size());
        for (int i = 0; i < node.size(); i++) items.add(item(i));
        return Optional.of(items);
    }

    public Optional<String> string() {
        if (!present()) return Optional.empty();
        if (!node.isTextual()) {
            error("expected a string, got " + describe(node) + quoteHint(node));
            return Optional.empty();
        }
        return Optional.of(node.textValue());
    }

    public Optional<Boolean> bool() {
        if (!present()) return Optional.empty();
        if (!node.isBoolean()) {
            error("expected true or false, got " + describe(node));
            return Optional.empty();
        }
        return Optional.of(node.booleanValue());
    }

    /** A string, number or boolean as the text it stands for (environment variable values). */
    public Optional<String> scalarText() {
        if (!present()) return Optional.empty();
        if (node.isTextual()) return Optional.of(node.textValue());
        if (node.isNumber())
            return Optional.of(node.isBigDecimal() ? node.decimalValue().toPlainString() : node.asText());
        if (node.isBoolean()) return Optional.of(node.asText());
        error("expected a string, number or boolean, got " + describe(node));
        return Optional.empty();
    }

    /** A string accepted by {@code check}, which returns the reason it is wrong or empty when it is fine. */
    public Optional<String> string(Function<String, Optional<String>> check) {
        var text = string();
        if (text.isEmpty()) return text;
        var problem = check.apply(text.get());
        if (problem.isPresent()) {
            error(problem.get());
            return Optional.empty();
        }
        return text;
    }

    /** One of the given words, e.g. {@code always|on-failure|never}. */
    public Optional<String> oneOf(List<String> words) {
        return string(s -> words.contains(s)
                ? Optional.empty()
                : Optional.of(quote(s) + " is not one of: " + String.join(", ", words)));
    }

    public Optional<Integer> integer(int min, int max) {
        if (!present()) return Optional.empty();
        if (!node.isNumber() || !isWhole(node)) {
            error("expected a whole number, got " + describe(node));
            return Optional.empty();
        }
        if (!node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            error("must be between " + min + " and " + max + ", got " + numberText(node));
            return Optional.empty();
        }
        return Optional.of(node.intValue());
    }

    public Optional<Double> decimal(double min, double max) {
        if (!present()) return Optional.empty();
        if (!node.isNumber()) {
            error("expected a number, got " + describe(node));
            return Optional.empty();
        }
        double value = node.doubleValue();
        if (!Double.isFinite(value) || value < min || value > max) {
            error("must be between " + plain(min) + " and " + plain(max) + ", got " + numberText(node));
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /**
     * A list of distinct strings, each accepted by {@code check}; items in error are left out and
     * reported at their own path ({@code ports[1]}).
     */
    public Optional<List<String>> distinctStrings(int max, Function<String, Optional<String>> check) {
        var items = list("strings", max);
        if (items.isEmpty()) return Optional.empty();
        var seen = new LinkedHashMap<String, Integer>();
        for (int i = 0; i < items.get().size(); i++) {
            var item = items.get().get(i);
            if (!item.present()) {
                item.error("expected a string, got null");
                continue;
            }
            var value = item.string(check);
            if (value.isEmpty()) continue;
            var earlier = seen.putIfAbsent(value.get(), i);
            if (earlier != null) item.error(quote(value.get()) + " is already listed at " + path + "[" + earlier + "]");
        }
        return Optional.of(List.copyOf(seen.keySet()));
    }

    /** At most 1,000 cores: enough for any machine, small enough that sums of many never overflow. */
    public static final long MAX_CPU_MILLIS = 1_000_000;
    /** At most 1 PiB, for the same reason. */
    public static final long MAX_MEMORY_BYTES = 1L << 50;

    /** Cpu as cores ({@code 2}, {@code "0.5"}) or millicores ({@code "500m"}); more than zero. */
    public Optional<Long> cpuMillis() {
        return quantity(
                "cpu", "500m, 0.5, 2", dev.atoll.model.Quantities::parseCpuMillis, MAX_CPU_MILLIS, "1000 cores");
    }

    /** Memory with a unit ({@code "256Mi"}, {@code "1Gi"}, {@code "1G"}) or in bytes; more than zero. */
    public Optional<Long> memoryBytes() {
        return quantity("", "256Mi, 1Gi", dev.atoll.model.Quantities::parseMemoryBytes, MAX_MEMORY_BYTES, "1Pi");
    }

    private Optional<Long> quantity(
            String kind, String examples, Function<String, Optional<Long>> parse, long max, String maxText) {
        if (!present()) return Optional.empty();
        String text;
        if (node.isNumber()) {
            // Trees built in code (not parsed) may hold NaN or infinities, which have no decimal value.
            if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
                error(node.asText() + " is not " + (kind.isEmpty() ? "a quantity" : "a " + kind + " quantity"));
                return Optional.empty();
            }
            if (node.decimalValue().signum() <= 0) {
                error("must be more than 0");
                return Optional.empty();
            }
            text = node.decimalValue().toPlainString();
        } else if (node.isTextual()) {
            text = node.textValue();
        } else {
            error("expected a " + (kind.isEmpty() ? "" : kind + " ") + "quantity such as " + examples + ", got "
                    + describe(node));
            return Optional.empty();
        }
        String noun = kind.isEmpty() ? "a quantity" : "a " + kind + " quantity";
        if (text.strip().startsWith("-")) {
            error("must be more than 0");
            return Optional.empty();
        }
        var value = text.length() > 40 ? Optional.<Long>empty() : parse.apply(text);
        if (value.isEmpty()) {
            error(quote(text) + " is not " + noun + " (examples: " + examples + ")");
            return Optional.empty();
        }
        if (value.get() <= 0) {
            error("must be more than 0");
            return Optional.empty();
        }
        if (value.get() > max) {
            error("must be at most " + maxText + ", got " + quote(text));
            return Optional.empty();
        }
        return value;
    }

    // ---- checks shared by specs and topologies; each returns the reason a value is wrong ----

    /** RFC 1123 DNS label: what names of environments, services, ports and sites must be. */
    public static Optional<String> checkDnsLabel(String s) {
        if (DNS_LABEL.matcher(s).matches()) return Optional.empty();
        return Optional.of(quote(s) + " is not a valid name: use at most 63 lower case letters, digits and '-',"
                + " starting and ending with a letter or digit");
    }

    public static Optional<String> checkCountry(String s) {
        if (ISO_COUNTRIES.contains(s)) return Optional.empty();
        String hint = s.equals("UK")
                ? " (did you mean GB?)"
                : ISO_COUNTRIES.contains(s.toUpperCase(Locale.ROOT))
                        ? " (did you mean " + s.toUpperCase(Locale.ROOT) + "?)"
                        : "";
        return Optional.of(quote(s) + " is not an ISO 3166 alpha-2 country code, e.g. DE, GB, US" + hint);
    }

    public static Optional<String> checkJurisdiction(String s) {
        if (JURISDICTION.matcher(s).matches()) return Optional.empty();
        return Optional.of(
                quote(s) + " is not a jurisdiction code: use upper case letters, digits and '-', e.g. EU, UK, US");
    }

    public static Optional<String> checkTag(String s) {
        if (TAG.matcher(s).matches()) return Optional.empty();
        return Optional.of(quote(s) + " is not a tag: use at most 63 letters, digits and . _ : / = -,"
                + " starting with a letter or digit");
    }

    /** "a list", "a number", ... for "expected X, got Y" reasons. */
    public static String describe(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) return "null";
        if (node.isObject()) return "an object";
        if (node.isArray()) return "a list";
        if (node.isTextual()) return "a string";
        if (node.isNumber()) return "a number";
        if (node.isBoolean()) return "a boolean";
        if (node.isBinary()) return "binary data";
        return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** Quoted and cut short so a huge garbage value does not make a huge error. */
    public static String quote(String s) {
        String shown = s.length() > 80 ? s.substring(0, 77) + "..." : s;
        StringBuilder b = new StringBuilder("\"");
        shown.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') b.append('\\').appendCodePoint(c);
            else if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        return b.append('"').toString();
    }

    private static String quoteHint(JsonNode node) {
        // YAML reads yes/no/on/off and numbers as non-strings; the fix is quoting, so say so.
        return node.isBoolean() || node.isNumber() ? " (put the value in quotes to make it a string)" : "";
    }

    private static boolean isWhole(JsonNode n) {
        return n.isIntegralNumber();
    }

    private static String numberText(JsonNode n) {
        String text = n.isBigDecimal() ? n.decimalValue().toPlainString() : n.asText();
        return text.length() > 30 ? text.substring(0, 27) + "..." : text;
    }

    private static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
