package dev.atoll.model.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkSpecTest {
    private static final String TWO_SERVICES = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: shop, tenant: acme}
            spec:
              networks: NETWORKS
              services:
                web:
                  command: [httpd]
                  ports: [http]
                  networks: WEB_NETWORKS
                  expose: WEB_EXPOSE
                cache:
                  command: [redis-server]
                  ports: [redis]
                  networks: [backend]
                  expose: CACHE_EXPOSE
            """;

    private static String spec(String networks, String webNetworks, String webExpose, String cacheExpose) {
        return TWO_SERVICES
                .replace("WEB_NETWORKS", webNetworks)
                .replace("NETWORKS", networks)
                .replace("WEB_EXPOSE", webExpose)
                .replace("CACHE_EXPOSE", cacheExpose);
    }

    private static SpecResult parse(String text) {
        return SpecParser.parse(text);
    }

    private static List<FieldError> errors(String text) {
        var result = parse(text);
        assertThat(result).isInstanceOf(SpecResult.Invalid.class);
        return ((SpecResult.Invalid) result).errors();
    }

    @Test
    void givenNetworksAndPublishedPortsWhenParsedThenEachServiceJoinsItsNetworksAndPublishesItsPorts() {
        var result = parse(spec("[backend, front]", "[front, backend]", "[{port: http, public: 8080}]", "[]"));

        assertThat(result).isInstanceOf(SpecResult.Valid.class);
        var spec = ((SpecResult.Valid) result).spec();
        assertThat(spec.networks()).containsExactly("backend", "front");
        assertThat(spec.services().get("web").networks()).containsExactly("front", "backend");
        assertThat(spec.services().get("web").expose()).containsExactly(new Expose("http", 8080));
        assertThat(spec.services().get("cache").expose()).isEmpty();
        assertThat(SpecParser.parse(SpecWriter.toYaml(spec))).isEqualTo(result);
    }

    @Test
    void givenAServiceOnANetworkTheEnvironmentDoesNotListThenTheErrorSaysToAddIt() {
        assertThat(errors(spec("[backend]", "[front]", "[]", "[]")))
                .containsExactly(new FieldError(
                        "spec.services.web.networks[0]",
                        "\"front\" is not a network of this environment; add it to spec.networks"));
    }

    @Test
    void givenAPublishedPortThatIsNotAPortOfTheServiceThenTheErrorNamesTheServicesPorts() {
        assertThat(errors(spec("[backend]", "[backend]", "[{port: admin, public: 8080}]", "[]")))
                .containsExactly(new FieldError(
                        "spec.services.web.expose[0].port", "\"admin\" is not one of the service's ports (http)"));
    }

    @Test
    void givenTwoServicesPublishingOnePublicPortThenTheSecondIsRefused() {
        assertThat(errors(spec(
                        "[backend]", "[backend]", "[{port: http, public: 8080}]", "[{port: redis, public: 8080}]")))
                .containsExactly(new FieldError(
                        "spec.services.cache.expose[0].public",
                        "public port 8080 is already published by service \"web\""));
    }

    @Test
    void givenABadNetworkNameOrPublicPortThenEachIsNamed() {
        var errors = errors(spec("[Back_End]", "[]", "[{port: http, public: 70000}]", "[]"));

        assertThat(errors)
                .extracting(FieldError::path)
                .containsExactly(
                        "spec.networks[0]", "spec.services.web.expose[0].public", "spec.services.cache.networks[0]");
    }

    @Test
    void givenAMicroVmOnANetworkThenItIsAcceptedLikeAnyDriver() {
        var text = """
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: vm}
                spec:
                  networks: [backend]
                  services:
                    vm: {driver: microvm, image: busybox:1, networks: [backend]}
                """;
        var result = parse(text);

        assertThat(result).isInstanceOf(SpecResult.Valid.class);
        assertThat(((SpecResult.Valid) result).spec().services().get("vm").networks())
                .containsExactly("backend");
    }
}
