package dev.atoll.model.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.FieldError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopologyParserTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "topologies");

    private static Topology valid(String yaml) {
        var result = TopologyParser.parse(yaml);
        assertThat(result).isInstanceOf(TopologyParser.Result.Valid.class);
        return ((TopologyParser.Result.Valid) result).topology();
    }

    private static List<FieldError> errors(String yaml) {
        var result = TopologyParser.parse(yaml);
        assertThat(result).isInstanceOf(TopologyParser.Result.Invalid.class);
        return ((TopologyParser.Result.Invalid) result).errors();
    }

    private static String london(String nodes) {
        return """
                sites:
                  - name: london
                    lat: 51.51
                    lon: -0.13
                    country: GB
                    nodes: %s
                """.formatted(nodes);
    }

    @Test
    void givenAListOfNodesThenEachIsReadWithDefaultsForWhatIsLeftOut() {
        var topology = valid("""
                sites:
                  - name: london
                    lat: 51.51
                    lon: -0.13
                    country: GB
                    jurisdiction: UK
                    tags: [green]
                    nodes:
                      - {name: n1, cpu: 8, memory: 16Gi, slots: 50, tags: [ssd], drivers: [process]}
                      - {name: n2}
                """);

        var site = topology.sites().getFirst();
        assertThat(site.site())
                .isEqualTo(new SiteInfo("london", new GeoPoint(51.51, -0.13), "GB", "UK", Set.of("green")));
        assertThat(site.nodes())
                .containsExactly(
                        new NodeInfo(
                                "london", "n1", new Resources(8000, 16L << 30), 50, Set.of("process"), Set.of("ssd")),
                        new NodeInfo("london", "n2", new Resources(4000, 8L << 30), 110, Set.of("process"), Set.of()));
    }

    @Test
    void givenACountThenThatManyIdenticalNodesAreNamedN1ToNn() {
        var nodes = valid(london("{count: 3, cpu: 2, memory: 4Gi}"))
                .sites()
                .getFirst()
                .nodes();

        assertThat(nodes).extracting(NodeInfo::name).containsExactly("n1", "n2", "n3");
        assertThat(nodes).allSatisfy(n -> assertThat(n.capacity()).isEqualTo(new Resources(2000, 4L << 30)));
    }

    @Test
    void givenNoJurisdictionThenItFollowsTheCountry() {
        var yaml = """
                sites:
                  - {name: paris, lat: 48.86, lon: 2.35, country: FR, nodes: {count: 1}}
                  - {name: london, lat: 51.51, lon: -0.13, country: GB, nodes: {count: 1}}
                  - {name: tokyo, lat: 35.68, lon: 139.65, country: JP, nodes: {count: 1}}
                """;

        assertThat(valid(yaml).sites()).extracting(s -> s.site().jurisdiction()).containsExactly("EU", "UK", "JP");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            [{name: n1, memory: 8Zi}]           | sites[0].nodes[0].memory  | "8Zi" is not a quantity (examples: 256Mi, 1Gi)
            [{name: n1, cpu: 0}]                | sites[0].nodes[0].cpu     | must be more than 0
            [{name: n1, slots: 0}]              | sites[0].nodes[0].slots   | must be between 1 and 100000, got 0
            [{name: n1}, {name: n1}]            | sites[0].nodes[1].name    | "n1" is already the name of sites[0].nodes[0]
            [{name: N1}]                        | sites[0].nodes[0].name    | "N1" is not a valid name: use at most 63 lower case letters, digits and '-', starting and ending with a letter or digit
            [{cpu: 2}]                          | sites[0].nodes[0].name    | required; e.g. n1
            [{name: n1, gpu: 1}]                | sites[0].nodes[0].gpu     | unknown field; expected one of: name, cpu, memory, slots, tags, drivers
            [{name: n1, drivers: [docker]}]     | sites[0].nodes[0].drivers[0] | "docker" is not a driver; supported: process, oci, microvm
            [{name: n1, drivers: []}]           | sites[0].nodes[0].drivers | must have at least one driver, e.g. [process]
            []                                  | sites[0].nodes            | must have at least one node
            {count: 0}                          | sites[0].nodes.count      | must be between 1 and 10000, got 0
            {cpu: 2}                            | sites[0].nodes.count      | required; how many identical nodes, e.g. 3
            {count: 2, name: n}                 | sites[0].nodes.name       | unknown field; expected one of: count, cpu, memory, slots, tags, drivers
            three                               | sites[0].nodes            | expected a list of nodes, or an object {count: N, ...}, got a string
            """)
    void givenOneMistakeInTheNodesThenTheErrorNamesItsPath(String nodes, String path, String reason) {
        assertThat(errors(london(nodes))).containsExactly(new FieldError(path, reason));
    }

    @Test
    void givenMistakesInSitesThenEveryOneIsReported() {
        var yaml = """
                sites:
                  - {name: london, lat: 91, lon: -0.13, country: UK, nodes: {count: 1}}
                  - {name: london, lat: 51, lon: 200, country: GB, jurisdiction: uk, nodes: {count: 1}}
                  - {name: paris, country: FR, nodes: {count: 1}, region: eu-west}
                """;

        assertThat(errors(yaml))
                .containsExactly(
                        new FieldError("sites[0].lat", "must be between -90 and 90, got 91"),
                        new FieldError(
                                "sites[0].country",
                                "\"UK\" is not an ISO 3166 alpha-2 country code, e.g. DE, GB, US (did you mean GB?)"),
                        new FieldError("sites[1].name", "\"london\" is already the name of sites[0]"),
                        new FieldError("sites[1].lon", "must be between -180 and 180, got 200"),
                        new FieldError(
                                "sites[1].jurisdiction",
                                "\"uk\" is not a jurisdiction code: use upper case letters, digits and '-', e.g. EU, UK, US"),
                        new FieldError(
                                "sites[2].region",
                                "unknown field; expected one of: name, lat, lon, country, jurisdiction, tags, nodes"),
                        new FieldError("sites[2].lat", "required; latitude in degrees, -90 to 90"),
                        new FieldError("sites[2].lon", "required; longitude in degrees, -180 to 180"));
    }

    @Test
    void givenNoSitesThenTheTopologyIsInvalid() {
        assertThat(errors("sites: []")).containsExactly(new FieldError("sites", "must have at least one site"));
        assertThat(errors("")).containsExactly(new FieldError("", "the document is empty; expected sites: [...]"));
        assertThat(errors("- london")).containsExactly(new FieldError("", "expected an object with sites, got a list"));
        assertThat(errors("sites: [\n")).singleElement().satisfies(e -> assertThat(e.reason())
                .startsWith("not valid YAML"));
    }

    @Test
    void theDevExampleIsTheDefaultDevTopology() throws IOException {
        assertThat(valid(Files.readString(EXAMPLES.resolve("dev.yaml")))).isEqualTo(Topologies.defaultDev());
    }

    @Test
    void theInterouteExampleHasSixteenSitesOfThreeNodes() throws IOException {
        var topology = valid(Files.readString(EXAMPLES.resolve("interoute.yaml")));

        assertThat(topology.sites())
                .extracting(s -> s.site().name())
                .containsExactly(
                        "los-angeles",
                        "new-york",
                        "hong-kong",
                        "london-1",
                        "london-2",
                        "london-3",
                        "madrid",
                        "milan",
                        "berlin",
                        "frankfurt",
                        "paris",
                        "amsterdam",
                        "geneva",
                        "singapore",
                        "zurich",
                        "chicago");
        assertThat(topology.sites()).allSatisfy(s -> assertThat(s.nodes()).hasSize(3));
        assertThat(topology.sites())
                .extracting(s -> s.site().jurisdiction())
                .containsOnly("US", "HK", "UK", "EU", "CH", "SG");
        var byName = topology.sites().stream()
                .collect(java.util.stream.Collectors.toMap(s -> s.site().name(), Topology.SiteTopology::site));
        assertThat(byName.get("geneva").country()).isEqualTo("CH");
        assertThat(byName.get("madrid").jurisdiction()).isEqualTo("EU");
        // London to Frankfurt is about 640 km: the coordinates are real places, not placeholders.
        assertThat(byName.get("london-1")
                        .location()
                        .distanceKm(byName.get("frankfurt").location()))
                .isBetween(600.0, 680.0);
    }

    @Test
    void everyExampleTopologyParses() throws IOException {
        try (var files = Files.list(EXAMPLES)) {
            var yamlFiles = files.filter(p -> p.toString().endsWith(".yaml")).toList();
            assertThat(yamlFiles).isNotEmpty();
            for (var file : yamlFiles) {
                assertThat(TopologyParser.parse(Files.readString(file)))
                        .as(file.toString())
                        .isInstanceOf(TopologyParser.Result.Valid.class);
            }
        }
    }

    @net.jqwik.api.Property(tries = 200)
    void editedTopologyFilesNeverThrowAndEveryErrorHasAPath(
            @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 0) int at,
            @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 30) int cut,
            @net.jqwik.api.ForAll("insertions") String insert)
            throws IOException {
        String text = Files.readString(EXAMPLES.resolve("interoute.yaml"));
        int start = at % (text.length() + 1);
        String edited = text.substring(0, start) + insert + text.substring(Math.min(text.length(), start + cut));

        var result = TopologyParser.parse(edited);

        if (result instanceof TopologyParser.Result.Invalid invalid) {
            assertThat(invalid.errors()).isNotEmpty().allSatisfy(e -> {
                assertThat(e.path()).isNotNull();
                assertThat(e.reason()).isNotBlank();
            });
        } else {
            assertThat(result).isInstanceOf(TopologyParser.Result.Valid.class);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> insertions() {
        return net.jqwik.api.Arbitraries.oneOf(
                net.jqwik.api.Arbitraries.strings().ofMaxLength(10),
                net.jqwik.api.Arbitraries.of(
                        "",
                        "\n",
                        ":",
                        "- ",
                        "{",
                        "]",
                        "&a ",
                        "*a",
                        "-1",
                        "0",
                        "99999999999999999999",
                        "null",
                        "[]",
                        "{count: 0}",
                        "nodes: x\n",
                        "  - name: london\n",
                        "NaN",
                        ".inf",
                        "\t"));
    }

    @Test
    void generatedTopologiesRefuseCountsOutOfRange() {
        assertThatThrownBy(() -> Topologies.generated(0, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topologies.generated(3, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
