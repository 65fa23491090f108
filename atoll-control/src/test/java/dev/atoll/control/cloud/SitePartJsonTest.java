package dev.atoll.control.cloud;

import static dev.atoll.control.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.view.EnvironmentView;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Shares cross the wire as AtollJson: what one site writes, another reads back equal. */
class SitePartJsonTest {
    private static final EnvironmentSpec SPEC = ((SpecResult.Valid) SpecParser.parse("""
                    apiVersion: atoll/v1
                    kind: Environment
                    metadata: {name: shop, tenant: acme}
                    spec:
                      services:
                        web:
                          command: [python3, -m, http.server, "8080"]
                          env: {MODE: "8080"}
                          resources: {cpu: 250m, memory: 128Mi}
                          ports: [http]
                          health:
                            http: {path: /healthz, port: http}
                            interval: 500ms
                          replicas: 2
                          restart: on-failure
                          placement: {jurisdictions: [EU], antiAffinity: node, preferTags: [ssd]}
                        db:
                          command: [sleep, "600"]
                          health: {command: [./check]}
                    """)).spec();

    private static SitePart aRealisticPart() {
        var site = new SiteView(
                "paris",
                "FR",
                "EU",
                48.8566,
                2.3522,
                Set.of("gpu"),
                "healthy",
                "paris-c2",
                List.of("paris-c1", "paris-c2", "paris-c3"),
                2,
                3,
                new Resources(8000, 16L << 30),
                new Resources(750, 384L << 20));
        var node = new NodeView(
                "paris",
                "n1",
                "suspect",
                new Resources(4000, 8L << 30),
                new Resources(500, 256L << 20),
                110,
                2,
                Set.of("process"),
                Set.of("ssd"));
        var environment = new EnvironmentView(
                "shop",
                "acme",
                "paris",
                3,
                "degraded",
                T0,
                T0.plusSeconds(90),
                List.of(
                        new EnvironmentView.ServiceStatus("web", 2, 1, 2, "shop.web.1 crash-looping: exit 1"),
                        new EnvironmentView.ServiceStatus("db", 1, 1, 1, "")),
                SPEC);
        var running = new InstanceView(
                "shop.web.0",
                "acme",
                "shop",
                "web",
                "paris",
                "n1",
                InstanceState.RUNNING,
                2,
                Map.of("http", 41234),
                Optional.of(4242L),
                Optional.of(T0.plusMillis(1500)),
                1,
                "");
        var crashing = new InstanceView(
                "shop.web.1",
                "acme",
                "shop",
                "web",
                "london",
                "n2",
                InstanceState.CRASH_LOOPING,
                1,
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                7,
                "exit 1");
        var pending = new InstanceView(
                "shop.db.0",
                "acme",
                "shop",
                "db",
                "",
                "",
                InstanceState.PENDING,
                0,
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                0,
                "looking for a site");
        return new SitePart(
                site, List.of(node), List.of(new HomedEnvironment(environment, List.of(pending, running, crashing))));
    }

    @Test
    void givenARealisticSitePartWhenWrittenAndReadBackThenItIsEqual() throws Exception {
        SitePart part = aRealisticPart();

        String json = AtollJson.json().writeValueAsString(part);

        assertThat(AtollJson.json().readValue(json, SitePart.class)).isEqualTo(part);
    }

    @Test
    void givenASitePartWhenWrittenThenSpecsAndStatesAreInTheirUserFacingForm() throws Exception {
        var tree = AtollJson.json().valueToTree(aRealisticPart());

        var environment = tree.path("environments").get(0);
        assertThat(environment
                        .path("environment")
                        .path("spec")
                        .path("apiVersion")
                        .asText())
                .isEqualTo("atoll/v1");
        assertThat(environment.path("instances").get(2).path("state").asText()).isEqualTo("crash-looping");
        assertThat(environment.path("instances").get(0).has("pid")).isFalse();
    }

    @Test
    void givenAPutResultWhenWrittenAndReadBackThenItIsEqual() throws Exception {
        var result = new PutResult(PutResult.Outcome.UPDATED, List.of("web", "db"));

        String json = AtollJson.json().writeValueAsString(result);

        assertThat(AtollJson.json().readValue(json, PutResult.class)).isEqualTo(result);
    }
}
