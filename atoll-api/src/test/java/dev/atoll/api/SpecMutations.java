package dev.atoll.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Ways to damage a spec text the way users, editors, proxies and attackers do: lost or repeated
 * lines, stray characters, wrong types, absurd sizes, unknown fields and foreign documents. Shared by
 * the property tests that send mutated bodies to a server.
 */
final class SpecMutations {
    private SpecMutations() {}

    /** One mutation of the text, and a name for reading failures. */
    record Mutation(String name, UnaryOperator<String> apply) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** What a request looks like besides its body. */
    record Request(String method, String contentType) {}

    static String applyAll(String text, List<Mutation> mutations) {
        String body = text;
        for (var m : mutations) body = m.apply().apply(body);
        return body;
    }

    static Arbitrary<Request> requests() {
        return Combinators.combine(
                        Arbitraries.of("POST", "PUT"),
                        Arbitraries.of(
                                "application/json",
                                "application/yaml",
                                "application/x-yaml",
                                "text/yaml",
                                "text/plain",
                                "application/octet-stream"))
                .as(Request::new);
    }

    /** Zero to three mutations: zero keeps some tries valid, so the property also sees successes. */
    static Arbitrary<List<Mutation>> mutations() {
        return mutation().list().ofMinSize(0).ofMaxSize(3);
    }

    static Arbitrary<Mutation> mutation() {
        var at = Arbitraries.integers().between(0, 10_000);
        var garbage = Arbitraries.strings()
                .withChars("{}[]:,\"'\\\n\t -#&*!|>%@?`=~")
                .withCharRange('a', 'z')
                .withCharRange('\u00e0', '\u00ff')
                .withChars('\u0000', '\uffff', '\ud83d')
                .ofMinLength(1)
                .ofMaxLength(20);
        return Arbitraries.frequencyOf(
                Tuple.of(1, at.map(i -> new Mutation("delete line " + i, t -> deleteLine(t, i)))),
                Tuple.of(1, at.map(i -> new Mutation("delete char " + i, t -> t.isEmpty() ? t : deleteChar(t, i)))),
                Tuple.of(
                        1,
                        Combinators.combine(at, garbage)
                                .as((i, g) -> new Mutation("insert " + escape(g) + " at " + i, t -> insert(t, i, g)))),
                Tuple.of(1, at.map(i -> new Mutation("duplicate line " + i, t -> duplicateLine(t, i)))),
                Tuple.of(3, Arbitraries.of(fixedMutations())));
    }

    private static List<Mutation> fixedMutations() {
        return List.of(
                replaceValue("replicas as text", "replicas", "\"three\""),
                replaceValue("replicas as list", "replicas", "[3]"),
                replaceValue("replicas as map", "replicas", "{n: 3}"),
                replaceValue("replicas as null", "replicas", "null"),
                replaceValue("replicas as boolean", "replicas", "true"),
                replaceValue("replicas negative", "replicas", "-4"),
                replaceValue("replicas fractional", "replicas", "1.5"),
                replaceValue("replicas over the limit", "replicas", "1001"),
                replaceValue("replicas huge", "replicas", "99999999999999999999999999999999"),
                new Mutation("huge number", t -> t.replaceFirst("\\d+", "99999999999999999999999999999999")),
                new Mutation("huge exponent", t -> t.replaceFirst("\\d+", "1e999999")),
                new Mutation("command as text", t -> t.replaceFirst("(\"?command\"?:\\s*)\\[", "$1\"x\", \"y\": [")),
                new Mutation("command as map", t -> t.replaceFirst("(\"?command\"?:\\s*)\\[[^\\]]*\\]", "$1{a: b}")),
                new Mutation("command empty", t -> t.replaceFirst("(\"?command\"?:\\s*)\\[[^\\]]*\\]", "$1[]")),
                new Mutation("services as list", t -> t.replaceFirst("(\"?services\"?:)", "$1 [] #")),
                new Mutation("metadata as text", t -> t.replaceFirst("(\"?metadata\"?:)", "$1 \"m\", \"x\":")),
                new Mutation("driver as number", t -> t.replaceFirst("process", "42")),
                new Mutation("driver oci", t -> t.replaceFirst("process", "oci")),
                new Mutation("driver unknown", t -> t.replaceFirst("process", "docker")),
                new Mutation(
                        "restart unknown", t -> t.replaceFirst("(\"?restart\"?:\\s*)\"?[a-z-]+\"?", "$1sometimes")),
                new Mutation("memory nonsense", t -> t.replaceFirst("\\d+Mi", "lots")),
                new Mutation("memory huge", t -> t.replaceFirst("\\d+Mi", "99999999999999999999Ei")),
                new Mutation("cpu negative", t -> t.replaceFirst("\"\\d+m\"|\\b\\d+m\\b", "\"-100m\"")),
                new Mutation("apiVersion v2", t -> t.replaceFirst("atoll/v1", "atoll/v2")),
                new Mutation("apiVersion missing", t -> t.replaceFirst("\"?apiVersion\"?:", "\"apiVersio\":")),
                new Mutation("kind changed", t -> t.replaceFirst("Environment", "Deployment")),
                new Mutation("kind lower case", t -> t.replaceFirst("Environment", "environment")),
                new Mutation("name not a label", t -> t.replaceFirst("shop", "Shop_Name!")),
                new Mutation("name very long", t -> t.replaceFirst("shop", "s".repeat(100_000))),
                new Mutation("name empty", t -> t.replaceFirst("\"?shop[-a-z0-9]*\"?", "\"\"")),
                new Mutation("tenant not a label", t -> t.replaceFirst("(\"?name\"?:)", "\"tenant\": \"Nope!\", $1")),
                new Mutation("value very long", t -> t.replaceFirst("python3|sleep", "p".repeat(500_000))),
                new Mutation("env value very long", t -> t.replaceFirst("hello", "h".repeat(40_000))),
                new Mutation("env name reserved", t -> t.replaceFirst("GREETING", "ATOLL_PORT_X")),
                new Mutation("over one mebibyte", t -> t + "\n#" + "x".repeat(1 << 20)),
                new Mutation("unknown field (yaml)", t -> t.replaceFirst("kind:", "colour: blue\nkind:")),
                new Mutation("unknown field (json)", t -> t.replaceFirst("\\{", "{\"colour\": \"blue\", ")),
                new Mutation("unknown service field", t -> t.replaceFirst("(\"?)command(\"?):", "$1comand$2:")),
                new Mutation(
                        "duplicate key (yaml)",
                        t -> t.replaceFirst("kind: Environment", "kind: Environment\nkind: Environment")),
                new Mutation(
                        "duplicate key (json)", t -> t.replaceFirst("\"kind\"", "\"kind\": \"Environment\", \"kind\"")),
                new Mutation("null document", t -> "null"),
                new Mutation("empty document", t -> ""),
                new Mutation("a list", t -> "[" + t + "]"),
                new Mutation("two documents", t -> t + "\n---\n" + t),
                new Mutation("yaml tag", t -> t.replaceFirst("(\"?kind\"?:\\s*)", "$1!!binary ")),
                new Mutation("yaml anchors", t -> "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b]\n" + t),
                new Mutation("deep nesting", t -> "[".repeat(5000) + "]".repeat(5000)),
                new Mutation("truncate half", t -> t.substring(0, t.length() / 2)),
                new Mutation("byte order mark", t -> "\ufeff" + t),
                new Mutation("tabs for indentation", t -> t.replace("  ", "\t")));
    }

    /** Replaces the first value of a field, whatever its type, keeping the key. */
    private static Mutation replaceValue(String name, String field, String value) {
        return new Mutation(
                name,
                t -> t.replaceFirst(
                        "(?<key>\"?" + field + "\"?:\\s*)[^,}\\n]+", "${key}" + Matcher.quoteReplacement(value)));
    }

    private static String deleteLine(String text, int i) {
        var lines = text.lines().toList();
        if (lines.isEmpty()) return text;
        var copy = new ArrayList<>(lines);
        copy.remove(i % lines.size());
        return String.join("\n", copy);
    }

    private static String duplicateLine(String text, int i) {
        var lines = text.lines().toList();
        if (lines.isEmpty()) return text;
        int at = i % lines.size();
        var copy = new ArrayList<>(lines);
        copy.add(at, lines.get(at));
        return String.join("\n", copy);
    }

    private static String deleteChar(String text, int i) {
        int at = i % text.length();
        return text.substring(0, at) + text.substring(at + 1);
    }

    private static String insert(String text, int i, String what) {
        int at = text.isEmpty() ? 0 : i % (text.length() + 1);
        return text.substring(0, at) + what + text.substring(at);
    }

    private static String escape(String text) {
        return text.chars()
                .mapToObj(c -> c < 32 || c > 126 ? String.format("\\u%04x", c) : String.valueOf((char) c))
                .reduce("", String::concat);
    }
}
