package dev.atoll.model.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Broken specs of every shape: parsing never throws and every rejection says where and why. */
class SpecMutationTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    enum Kind {
        DELETE,
        ADD_UNKNOWN_FIELD,
        CHANGE_TYPE,
        HUGE_NUMBER,
        NEGATIVE_NUMBER,
        GARBAGE_STRING,
        NULL,
        EMPTY
    }

    /** What to do, and where: {@code where} picks one of the tree's positions, modulo their count. */
    record Mutation(Kind kind, int where, String garbage, int typeChoice) {}

    @Provide
    Arbitrary<EnvironmentSpec> specs() {
        return SpecArbitraries.specs();
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Combinators.combine(
                        Arbitraries.of(Kind.class),
                        Arbitraries.integers().greaterOrEqual(0),
                        SpecArbitraries.text(),
                        Arbitraries.integers().between(0, 9))
                .as(Mutation::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(3);
    }

    @Property(tries = 200)
    void mutatedSpecsNeverThrowAndEveryErrorHasAPathAndAReason(
            @ForAll("specs") EnvironmentSpec spec, @ForAll("mutations") List<Mutation> mutations) throws Exception {
        JsonNode tree = SpecWriter.toTree(spec);
        for (var mutation : mutations) tree = apply(tree, mutation);

        assertWellFormed(SpecParser.parse(tree));
        assertWellFormed(SpecParser.parse(YAML.writeValueAsString(tree)));
        assertWellFormed(SpecParser.parse(JSON.writeValueAsString(tree)));
    }

    @Property(tries = 100)
    void anUnknownFieldAnywhereIsReportedAtItsPath(
            @ForAll("specs") EnvironmentSpec spec, @ForAll @net.jqwik.api.constraints.IntRange(min = 0) int where) {
        var tree = SpecWriter.toTree(spec);
        var objects = new ArrayList<ObjectNode>();
        collectObjects(tree, objects);
        objects.get(where % objects.size()).put("no.such-field", 1);

        var result = SpecParser.parse(tree);

        assertThat(result).isInstanceOf(SpecResult.Invalid.class);
        assertThat(((SpecResult.Invalid) result).errors())
                .anySatisfy(e -> assertThat(e.path()).endsWith("[\"no.such-field\"]"));
    }

    @Property(tries = 150)
    void editedTextNeverThrows(
            @ForAll("specs") EnvironmentSpec spec,
            @ForAll boolean asJson,
            @ForAll @net.jqwik.api.constraints.IntRange(min = 0) int at,
            @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 20) int cut,
            @ForAll("insertions") String insert) {
        String text = asJson ? SpecWriter.toJson(spec) : SpecWriter.toYaml(spec);
        int start = at % (text.length() + 1);
        int end = Math.min(text.length(), start + cut);
        String edited = text.substring(0, start) + insert + text.substring(end);

        assertWellFormed(SpecParser.parse(edited));
    }

    @Provide
    Arbitrary<String> insertions() {
        return Arbitraries.oneOf(
                SpecArbitraries.text(),
                Arbitraries.of(
                        "",
                        "\t",
                        "\n",
                        ":",
                        "- ",
                        "{",
                        "}",
                        "[",
                        "]",
                        "&a ",
                        "*a",
                        "!!binary ",
                        "!!int ",
                        "<<: ",
                        "---\n",
                        "...\n",
                        "? ",
                        "%YAML 1.2\n",
                        "\"",
                        "'",
                        "#",
                        "\\u",
                        "\0",
                        "\ufeff",
                        ".inf",
                        "0x",
                        "9".repeat(400)));
    }

    private static void assertWellFormed(SpecResult result) {
        assertThat(result).isNotNull();
        if (result instanceof SpecResult.Invalid invalid) {
            assertThat(invalid.errors()).isNotEmpty();
            for (var error : invalid.errors()) {
                assertThat(error.path()).isNotNull();
                assertThat(error.reason()).isNotBlank();
                assertThat(error.reason()).doesNotContain("Exception").doesNotContain("\tat ");
            }
        }
    }

    private static JsonNode apply(JsonNode root, Mutation m) {
        var places = new ArrayList<Place>();
        collectPlaces(root, places);
        if (places.isEmpty()) return replacement(m);
        var place = places.get(m.where() % places.size());
        switch (m.kind()) {
            case DELETE -> place.remove();
            case ADD_UNKNOWN_FIELD -> {
                if (place.value() instanceof ObjectNode o) o.put("surprise", m.garbage());
                else place.set(NODES.objectNode().put("surprise", m.garbage()));
            }
            default -> place.set(replacement(m));
        }
        return root;
    }

    private static JsonNode replacement(Mutation m) {
        return switch (m.kind()) {
            case HUGE_NUMBER ->
                switch (m.typeChoice() % 4) {
                    case 0 -> NODES.numberNode(BigInteger.TEN.pow(40));
                    case 1 -> NODES.numberNode(Long.MAX_VALUE);
                    case 2 -> NODES.numberNode(1e308);
                    default -> NODES.numberNode(Integer.MAX_VALUE);
                };
            case NEGATIVE_NUMBER ->
                switch (m.typeChoice() % 3) {
                    case 0 -> NODES.numberNode(-1);
                    case 1 -> NODES.numberNode(Long.MIN_VALUE);
                    default -> NODES.numberNode(-0.5);
                };
            case GARBAGE_STRING -> NODES.textNode(m.garbage());
            case NULL -> NODES.nullNode();
            case EMPTY -> m.typeChoice() % 2 == 0 ? NODES.objectNode() : NODES.arrayNode();
            default ->
                switch (m.typeChoice()) {
                    case 0 -> NODES.textNode(m.garbage());
                    case 1 -> NODES.numberNode(7);
                    case 2 -> NODES.numberNode(2.5);
                    case 3 -> NODES.booleanNode(true);
                    case 4 -> NODES.nullNode();
                    case 5 -> NODES.arrayNode().add(1).add("a").add(NODES.objectNode());
                    case 6 -> NODES.objectNode().put("a", 1);
                    case 7 -> NODES.arrayNode();
                    case 8 -> NODES.binaryNode(new byte[] {1, 2});
                    default -> NODES.objectNode();
                };
        };
    }

    /** A value inside a container, which can be replaced or removed. */
    private record Place(JsonNode container, String key, int index) {
        JsonNode value() {
            return key != null ? container.get(key) : container.get(index);
        }

        void set(JsonNode value) {
            if (key != null) ((ObjectNode) container).set(key, value);
            else ((ArrayNode) container).set(index, value);
        }

        void remove() {
            if (key != null) ((ObjectNode) container).remove(key);
            else ((ArrayNode) container).remove(index);
        }
    }

    private static void collectPlaces(JsonNode node, List<Place> places) {
        if (node instanceof ObjectNode o) {
            for (var name : iterableNames(o)) {
                places.add(new Place(o, name, -1));
                collectPlaces(o.get(name), places);
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                places.add(new Place(a, null, i));
                collectPlaces(a.get(i), places);
            }
        }
    }

    private static List<String> iterableNames(ObjectNode o) {
        var names = new ArrayList<String>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void collectObjects(JsonNode node, List<ObjectNode> objects) {
        if (node instanceof ObjectNode o) {
            objects.add(o);
            o.forEach(child -> collectObjects(child, objects));
        } else if (node instanceof ArrayNode a) {
            a.forEach(child -> collectObjects(child, objects));
        }
    }
}
