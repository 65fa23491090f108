package dev.atoll.model.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.spec.SpecWriter;
import dev.atoll.model.view.EnvironmentView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AtollJsonTest {
    private static final EnvironmentSpec SPEC = spec("""
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: shop, tenant: acme}
            spec:
              services:
                web:
                  command: [python3, -m, http.server, "8080"]
                  ports: [http]
                  health: {http: {path: /healthz, port: http}}
                  replicas: 3
                  placement: {jurisdictions: [EU], antiAffinity: node}
            """);

    private static EnvironmentSpec spec(String text) {
        return ((SpecResult.Valid) SpecParser.parse(text)).spec();
    }

    private static EnvironmentView view(EnvironmentSpec spec) {
        return new EnvironmentView(
                spec.name(),
                spec.tenant(),
                "london",
                4,
                "deploying",
                Instant.parse("2026-11-23T10:00:00Z"),
                Instant.parse("2026-11-23T10:05:00Z"),
                List.of(new EnvironmentView.ServiceStatus("web", 3, 2, 3, "")),
                spec);
    }

    @Test
    void givenAnEnvironmentViewWhenWrittenThenItsSpecIsInTheUsersFormat() {
        var tree = AtollJson.json().valueToTree(view(SPEC));

        assertThat(tree.path("spec")).isEqualTo(SpecWriter.toTree(SPEC));
    }

    @Test
    void givenAnEnvironmentViewWithAHealthCheckWhenWrittenAndReadBackThenItIsEqual() throws Exception {
        String json = AtollJson.json().writeValueAsString(view(SPEC));

        assertThat(AtollJson.json().readValue(json, EnvironmentView.class)).isEqualTo(view(SPEC));
    }

    @Test
    void givenASpecThatIsNotValidWhenReadThenTheMapperFailsNamingTheField() {
        String json = """
                {"apiVersion": "atoll/v1", "kind": "Environment", "metadata": {"name": "shop"},
                 "spec": {"services": {"web": {"command": ["x"], "replicas": -1}}}}
                """;

        assertThatThrownBy(() -> AtollJson.json().readValue(json, EnvironmentSpec.class))
                .isInstanceOf(JsonMappingException.class)
                .hasMessageContaining("spec.services.web.replicas");
    }
}
