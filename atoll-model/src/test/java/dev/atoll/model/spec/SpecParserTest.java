package dev.atoll.model.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.spec.PlacementIntent.Spread;
import dev.atoll.model.spec.PlacementIntent.Strategy;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecParserTest {
    private static final String HELLO = """
            apiVersion: atoll/v1
            kind: Environment
            metadata:
              name: hello
            spec:
              services:
                web:
                  command: [python3, -m, http.server]
                  ports: [http]
            """;

    /** A valid spec whose web service has {@code serviceYaml} (indented by 6) added to it. */
    private static String withWeb(String serviceYaml) {
        return HELLO + serviceYaml.stripIndent().lines().map(l -> "      " + l).reduce("", (a, b) -> a + b + "\n");
    }

    private static EnvironmentSpec valid(String text) {
        var result = SpecParser.parse(text);
        assertThat(result).isInstanceOf(SpecResult.Valid.class);
        return ((SpecResult.Valid) result).spec();
    }

    private static List<FieldError> errors(String text) {
        var result = SpecParser.parse(text);
        assertThat(result).isInstanceOf(SpecResult.Invalid.class);
        var errors = ((SpecResult.Invalid) result).errors();
        assertThat(errors).isNotEmpty();
        return errors;
    }

    @Test
    void givenAMinimalSpecWhenParsedThenEveryDefaultIsFilledIn() {
        var spec = valid(HELLO);

        var web = new ServiceSpec(
                "web",
                DriverKind.PROCESS,
                List.of("python3", "-m", "http.server"),
                Map.of(),
                new Resources(100, 64L << 20),
                List.of("http"),
                Optional.empty(),
                1,
                RestartPolicy.ALWAYS,
                PlacementIntent.NONE);
        assertThat(spec).isEqualTo(new EnvironmentSpec("hello", "default", Map.of("web", web)));
    }

    @Test
    void givenEveryFieldWhenParsedThenEachIsRead() {
        var spec = valid("""
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: shop, tenant: acme}
                spec:
                  services:
                    api:
                      driver: process
                      command: [./api, --port, "8080"]
                      env: {LOG_LEVEL: debug, WORKERS: 4, VERBOSE: true}
                      resources: {cpu: 500m, memory: 1Gi}
                      ports: [http, admin]
                      health:
                        http: {path: /healthz, port: http}
                        interval: 500ms
                        timeout: 2s
                        threshold: 5
                      replicas: 6
                      restart: on-failure
                      placement:
                        jurisdictions: [EU, UK]
                        countries: [DE, GB]
                        sites: [london, frankfurt]
                        avoidSites: [paris]
                        requireTags: [ssd]
                        preferTags: [green]
                        nearUsers:
                          - {name: paris, lat: 48.86, lon: 2.35, maxLatencyMs: 30}
                          - {name: berlin, lat: 52, lon: 13}
                        spread: {across: site, minDomains: 2}
                        antiAffinity: node
                        strategy: pack
                    worker:
                      command: [./worker]
                      resources: {cpu: 2, memory: 256Mi}
                      health: {command: [./check, --quick]}
                """);

        var api = spec.services().get("api");
        assertThat(spec.name()).isEqualTo("shop");
        assertThat(spec.tenant()).isEqualTo("acme");
        assertThat(spec.services().keySet()).containsExactly("api", "worker");
        assertThat(api.command()).containsExactly("./api", "--port", "8080");
        assertThat(api.env()).isEqualTo(Map.of("LOG_LEVEL", "debug", "WORKERS", "4", "VERBOSE", "true"));
        assertThat(api.resources()).isEqualTo(new Resources(500, 1L << 30));
        assertThat(api.ports()).containsExactly("http", "admin");
        assertThat(api.health())
                .contains(new HealthCheck(
                        new HealthCheck.Http("/healthz", "http"), Duration.ofMillis(500), Duration.ofSeconds(2), 5));
        assertThat(api.replicas()).isEqualTo(6);
        assertThat(api.restart()).isEqualTo(RestartPolicy.ON_FAILURE);
        assertThat(api.placement())
                .isEqualTo(new PlacementIntent(
                        Set.of("EU", "UK"),
                        Set.of("DE", "GB"),
                        Set.of("london", "frankfurt"),
                        Set.of("paris"),
                        Set.of("ssd"),
                        Set.of("green"),
                        List.of(
                                new UserRegion("paris", new GeoPoint(48.86, 2.35), Optional.of(30)),
                                new UserRegion("berlin", new GeoPoint(52, 13), Optional.empty())),
                        Optional.of(new Spread(Domain.SITE, 2)),
                        AntiAffinity.NODE,
                        Strategy.PACK));
        var worker = spec.services().get("worker");
        assertThat(worker.resources()).isEqualTo(new Resources(2000, 256L << 20));
        assertThat(worker.health())
                .contains(new HealthCheck(
                        new HealthCheck.Command(List.of("./check", "--quick")),
                        HealthCheck.DEFAULT_INTERVAL,
                        HealthCheck.DEFAULT_TIMEOUT,
                        HealthCheck.DEFAULT_THRESHOLD));
    }

    @Test
    void givenJsonWhenParsedThenItReadsTheSameAsYaml() {
        var json = """
                {"apiVersion": "atoll/v1", "kind": "Environment", "metadata": {"name": "hello"},
                 "spec": {"services": {"web": {"command": ["python3", "-m", "http.server"], "ports": ["http"]}}}}
                """;

        assertThat(valid(json)).isEqualTo(valid(HELLO));
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            resources: {memory: 12Zi}          | spec.services.web.resources.memory | "12Zi" is not a quantity (examples: 256Mi, 1Gi)
            resources: {memory: 0}             | spec.services.web.resources.memory | must be more than 0
            resources: {memory: -1Gi}          | spec.services.web.resources.memory | must be more than 0
            resources: {cpu: lots}             | spec.services.web.resources.cpu    | "lots" is not a cpu quantity (examples: 500m, 0.5, 2)
            resources: {cpu: 0}                | spec.services.web.resources.cpu    | must be more than 0
            resources: {cpu: [1]}              | spec.services.web.resources.cpu    | expected a cpu quantity such as 500m, 0.5, 2, got a list
            resources: {gpu: 1}                | spec.services.web.resources.gpu    | unknown field; expected one of: cpu, memory
            driver: oci                        | spec.services.web.image            | required; the image to run, e.g. busybox:1.36 (see atoll get images)
            driver: microvm                    | spec.services.web.image            | required; the image to run, e.g. busybox:1.36 (see atoll get images)
            driver: docker                     | spec.services.web.driver           | "docker" is not a driver; supported: process, oci, microvm
            readOnly: true                     | spec.services.web.readOnly         | only oci and microvm services have a root filesystem
            mounts: [{path: /data}]            | spec.services.web.mounts           | only oci and microvm services have mounts
            replicas: 1001                     | spec.services.web.replicas         | must be between 0 and 1000, got 1001
            replicas: -1                       | spec.services.web.replicas         | must be between 0 and 1000, got -1
            replicas: 99999999999999999999999  | spec.services.web.replicas         | must be between 0 and 1000, got 99999999999999999999999
            replicas: 1.5                      | spec.services.web.replicas         | expected a whole number, got a number
            replicas: three                    | spec.services.web.replicas         | expected a whole number, got a string
            restart: sometimes                 | spec.services.web.restart          | "sometimes" is not one of: always, on-failure, never
            env: {1BAD: x}                     | spec.services.web.env.1BAD         | "1BAD" is not a valid variable name: use letters, digits and '_', not starting with a digit, at most 256 characters
            env: {ATOLL_PORT_HTTP: "1"}        | spec.services.web.env.ATOLL_PORT_HTTP | names starting with ATOLL_ are set by Atoll
            env: {A: [1, 2]}                   | spec.services.web.env.A            | expected a string, number or boolean, got a list
            env: [A]                           | spec.services.web.env              | expected a map of environment variables, got a list
            health: {tcp: {port: db}}          | spec.services.web.health.tcp.port  | "db" is not one of the service's ports (http)
            health: {http: {port: http}, tcp: {port: http}} | spec.services.web.health | give only one probe of http, tcp or command, got http and tcp
            health: {interval: 1s}             | spec.services.web.health           | give one probe: http, tcp or command
            health: {tcp: {port: http}, interval: soon} | spec.services.web.health.interval | "soon" is not a duration (examples: 500ms, 2s, 1m)
            health: {tcp: {port: http}, timeout: 0s} | spec.services.web.health.timeout | must be more than 0 and at most 1h, got "0s"
            health: {tcp: {port: http}, threshold: 0} | spec.services.web.health.threshold | must be between 1 and 100, got 0
            health: {http: {path: healthz, port: http}} | spec.services.web.health.http.path | "healthz" is not a URL path: start with '/', no spaces, at most 2048 characters
            health: {http: {path: /}}          | spec.services.web.health.http.port | required; name one of the service's ports (http)
            health: {command: []}              | spec.services.web.health.command   | must not be empty; give the program and its arguments, e.g. [python3, -m, http.server]
            placement: {countries: [UK]}       | spec.services.web.placement.countries[0] | "UK" is not an ISO 3166 alpha-2 country code, e.g. DE, GB, US (did you mean GB?)
            placement: {countries: [de]}       | spec.services.web.placement.countries[0] | "de" is not an ISO 3166 alpha-2 country code, e.g. DE, GB, US (did you mean DE?)
            placement: {jurisdictions: [eu]}   | spec.services.web.placement.jurisdictions[0] | "eu" is not a jurisdiction code: use upper case letters, digits and '-', e.g. EU, UK, US
            placement: {sites: [london, london]} | spec.services.web.placement.sites[1] | "london" is already listed at spec.services.web.placement.sites[0]
            placement: {sites: [london], avoidSites: [london]} | spec.services.web.placement.avoidSites[0] | "london" is also in sites; a site cannot be both pinned and avoided
            placement: {nearUsers: [{name: paris, lat: 91, lon: 2}]} | spec.services.web.placement.nearUsers[0].lat | must be between -90 and 90, got 91
            placement: {nearUsers: [{name: paris, lat: 48, lon: -181}]} | spec.services.web.placement.nearUsers[0].lon | must be between -180 and 180, got -181
            placement: {nearUsers: [{name: paris, lat: 48, lon: 2, maxLatencyMs: 0}]} | spec.services.web.placement.nearUsers[0].maxLatencyMs | must be between 1 and 60000, got 0
            placement: {nearUsers: [{name: paris, lon: 2}]} | spec.services.web.placement.nearUsers[0].lat | required; latitude in degrees, -90 to 90
            placement: {spread: {across: rack, minDomains: 2}} | spec.services.web.placement.spread.across | "rack" is not one of: site, node
            placement: {spread: {across: site, minDomains: 0}} | spec.services.web.placement.spread.minDomains | must be between 1 and 1000, got 0
            placement: {spread: {across: site}} | spec.services.web.placement.spread.minDomains | required; how many distinct sites or nodes the replicas must cover, e.g. 2
            placement: {antiAffinity: rack}    | spec.services.web.placement.antiAffinity | "rack" is not one of: none, node, site
            placement: {strategy: random}      | spec.services.web.placement.strategy | "random" is not one of: spread, pack
            placement: {requireTags: [" ssd"]} | spec.services.web.placement.requireTags[0] | " ssd" is not a tag: use at most 63 letters, digits and . _ : / = -, starting with a letter or digit
            placement: {near: paris}           | spec.services.web.placement.near   | unknown field; expected one of: jurisdictions, countries, sites, avoidSites, requireTags, preferTags, nearUsers, spread, antiAffinity, strategy
            image: nginx                       | spec.services.web.image            | only oci and microvm services run an image
            sidecar: nginx                     | spec.services.web.sidecar          | unknown field; expected one of: driver, image, command, env, resources, ports, health, replicas, restart, placement, readOnly, mounts, networks, expose
            """)
    void givenOneMistakeWhenParsedThenTheErrorNamesItsPathAndReason(String yaml, String path, String reason) {
        assertThat(errors(withWeb(yaml))).containsExactly(new FieldError(path, reason));
    }

    @Test
    void givenAWrongTypeForAListThenTheReasonSaysWhatWasExpectedAndWhatCame() {
        var text = HELLO.replace("command: [python3, -m, http.server]", "command: 5");

        assertThat(errors(text))
                .containsExactly(
                        new FieldError("spec.services.web.command", "expected a list of strings, got a number"));
    }

    @Test
    void givenANumberInACommandThenTheItemIsNamedAndQuotingIsSuggested() {
        var text = HELLO.replace("command: [python3, -m, http.server]", "command: [sleep, 10, {x: 1}]");

        assertThat(errors(text))
                .containsExactly(
                        new FieldError(
                                "spec.services.web.command[1]",
                                "expected a string, got a number (put the value in quotes to make it a string)"),
                        new FieldError("spec.services.web.command[2]", "expected a string, got an object"));
    }

    @Test
    void givenManyMistakesThenEveryOneIsReportedInDocumentOrder() {
        var errors = errors("""
                apiVersion: atoll/v2
                kind: Environmnet
                metadata: {name: Hello_World, tenant: ACME, labels: {a: b}}
                spec:
                  services:
                    Web:
                      command: []
                      resources: {memory: 12Zi}
                    db:
                      replicas: 2000
                """);

        assertThat(errors)
                .containsExactly(
                        new FieldError("apiVersion", "\"atoll/v2\" is not supported; use atoll/v1"),
                        new FieldError("kind", "\"Environmnet\" is not supported; use Environment"),
                        new FieldError("metadata.labels", "unknown field; expected one of: name, tenant"),
                        new FieldError(
                                "metadata.name",
                                "\"Hello_World\" is not a valid name: use at most 63 lower case letters, digits and"
                                        + " '-', starting and ending with a letter or digit"),
                        new FieldError(
                                "metadata.tenant",
                                "\"ACME\" is not a valid name: use at most 63 lower case letters, digits and '-',"
                                        + " starting and ending with a letter or digit"),
                        new FieldError(
                                "spec.services.Web",
                                "\"Web\" is not a valid name: use at most 63 lower case letters, digits and '-',"
                                        + " starting and ending with a letter or digit"),
                        new FieldError(
                                "spec.services.Web.command",
                                "must not be empty; give the program and its arguments, e.g. [python3, -m, http.server]"),
                        new FieldError(
                                "spec.services.Web.resources.memory",
                                "\"12Zi\" is not a quantity (examples: 256Mi, 1Gi)"),
                        new FieldError(
                                "spec.services.db.command",
                                "required; the program and its arguments, e.g. [python3, -m, http.server]"),
                        new FieldError("spec.services.db.replicas", "must be between 0 and 1000, got 2000"));
    }

    @Test
    void givenMissingTopLevelFieldsThenEachIsRequired() {
        assertThat(errors("apiVersion: atoll/v1\n"))
                .containsExactly(
                        new FieldError("kind", "required; use Environment"),
                        new FieldError("metadata", "required; give at least metadata.name"),
                        new FieldError("spec", "required; give spec.services"));
    }

    private static final String CONTAINER = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: box}
            spec:
              services:
                web:
                  driver: oci
                  image: IMAGE
            """;

    @Test
    void givenAnOciServiceWithAnImageAndNoCommandThenItIsValidAndRunsTheImagesOwnCommand() {
        var spec = valid(CONTAINER.replace("IMAGE", "busybox:1.36") + "      readOnly: true\n"
                + "      mounts: [{path: /tmp, type: tmpfs}, {path: /data}]\n");

        var web = spec.services().get("web");
        assertThat(web.driver()).isEqualTo(DriverKind.OCI);
        assertThat(web.image()).contains("busybox:1.36");
        assertThat(web.command()).isEmpty();
        assertThat(web.readOnly()).isTrue();
        assertThat(web.mounts())
                .containsExactly(new Mount("/tmp", Mount.Kind.TMPFS), new Mount("/data", Mount.Kind.SCRATCH));
        assertThat(valid(SpecWriter.toYaml(spec))).isEqualTo(spec);
    }

    @Test
    void givenAnImageWithoutATagThenItMeansLatest() {
        assertThat(valid(CONTAINER.replace("IMAGE", "busybox"))
                        .services()
                        .get("web")
                        .image())
                .contains("busybox:latest");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            BusyBox              | "BusyBox" is not an image name: lowercase letters, digits and separators ('.', '_', '-', '/'), at most 255 characters
            busybox:-x           | "-x" is not a tag: letters, digits, '_', '.', '-', not starting with '.' or '-', at most 128
            busybox@sha256:abc   | "sha256:abc" is not a digest: expected sha256: and 64 lowercase hex digits
            @sha256:abc          | "@sha256:abc" has no name before '@'
            """)
    void givenABadImageReferenceThenTheErrorNamesTheImageField(String image, String reason) {
        assertThat(errors(CONTAINER.replace("IMAGE", "'" + image + "'")))
                .containsExactly(new FieldError("spec.services.web.image", reason));
    }

    @Test
    void givenAServiceThatIsNotAnObjectThenThatIsTheOnlyErrorAboutIt() {
        var text = HELLO.replace("    web:\n", "    web: python3 -m http.server\n    old:\n");

        assertThat(errors(text))
                .containsExactly(new FieldError(
                        "spec.services.web",
                        "expected an object with driver, image, command, env, resources, ports, health, replicas,"
                                + " restart, placement, readOnly, mounts, networks, expose, got a string"));
    }

    @Test
    void givenMetadataThatIsNotAnObjectThenTheNameIsNotAlsoReportedMissing() {
        var text = HELLO.replace("metadata:\n  name: hello", "metadata: hello");

        assertThat(errors(text))
                .containsExactly(new FieldError("metadata", "expected an object with name, tenant, got a string"));
    }

    @Test
    void givenNoServicesThenTheSpecIsInvalid() {
        var text = "apiVersion: atoll/v1\nkind: Environment\nmetadata: {name: a}\nspec: {services: {}}\n";

        assertThat(errors(text)).containsExactly(new FieldError("spec.services", "must have at least one service"));
    }

    @Test
    void givenAServiceNameWithADotThenThePathQuotesIt() {
        var text = HELLO.replace("    web:", "    my.web:");

        assertThat(errors(text)).extracting(FieldError::path).containsExactly("spec.services[\"my.web\"]");
    }

    @Test
    void givenAYesInAListOfCountriesThenQuotingIsSuggested() {
        // YAML 1.1 reads NO (Norway) as the boolean false.
        assertThat(errors(withWeb("placement: {countries: [NO]}")))
                .containsExactly(new FieldError(
                        "spec.services.web.placement.countries[0]",
                        "expected a string, got a boolean (put the value in quotes to make it a string)"));
        assertThat(valid(withWeb("placement: {countries: [\"NO\"]}"))
                        .services()
                        .get("web")
                        .placement()
                        .countries())
                .containsExactly("NO");
    }

    @Test
    void givenNullForAnOptionalFieldThenTheDefaultIsUsed() {
        var spec = valid(withWeb("replicas:\nrestart: null"));

        assertThat(spec.services().get("web").replicas()).isEqualTo(1);
    }

    @Test
    void givenCpuAsANumberOfCoresThenItIsReadAsMillicores() {
        assertThat(valid(withWeb("resources: {cpu: 0.25}"))
                        .services()
                        .get("web")
                        .resources()
                        .cpuMillis())
                .isEqualTo(250);
        assertThat(valid(withWeb("resources: {cpu: \"1.5\", memory: 1G}"))
                        .services()
                        .get("web")
                        .resources())
                .isEqualTo(new Resources(1500, 1_000_000_000));
    }

    @Test
    void givenADurationWithSeveralUnitsThenTheyAddUp() {
        var health = valid(withWeb("health: {tcp: {port: http}, interval: 1m30s}"))
                .services()
                .get("web")
                .health()
                .orElseThrow();

        assertThat(health.interval()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void givenAnEmptyDocumentThenItIsOneErrorAtTheRoot() {
        for (String text : new String[] {"", "   \n", "# only a comment\n", "null", "~"}) {
            assertThat(errors(text)).singleElement().satisfies(e -> assertThat(e.path())
                    .isEmpty());
        }
        assertThat(SpecParser.parse((String) null)).isInstanceOf(SpecResult.Invalid.class);
    }

    @Test
    void givenATreeBuiltInCodeWithNotANumberThenItIsAnErrorNotAnException() {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) SpecWriter.toTree(valid(HELLO));
        var web = (com.fasterxml.jackson.databind.node.ObjectNode) tree.at("/spec/services/web");
        web.putObject("resources").put("cpu", Double.NaN).put("memory", Double.POSITIVE_INFINITY);
        web.putArray("ports").add("http");
        web.putObject("placement")
                .putArray("nearUsers")
                .addObject()
                .put("name", "x")
                .put("lat", Double.NaN)
                .put("lon", 0);

        var result = SpecParser.parse(tree);

        assertThat(result).isInstanceOf(SpecResult.Invalid.class);
        assertThat(((SpecResult.Invalid) result).errors())
                .extracting(FieldError::path)
                .containsExactly(
                        "spec.services.web.resources.cpu",
                        "spec.services.web.resources.memory",
                        "spec.services.web.placement.nearUsers[0].lat");
    }

    @Test
    void givenAListAtTheTopThenTheErrorSaysAnEnvironmentIsAnObject() {
        assertThat(errors("[1, 2]"))
                .containsExactly(new FieldError(
                        "", "expected an Environment: an object with apiVersion, kind, metadata and spec, got a list"));
    }
}
