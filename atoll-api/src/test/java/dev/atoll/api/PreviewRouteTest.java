package dev.atoll.api;

import static dev.atoll.api.Http.contentType;
import static dev.atoll.api.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.control.cloud.CloudApi;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POST /v1/environments/preview checks a spec as a deploy would and answers where its replicas
 * would go, changing nothing; POST .../restart is a rolling restart. The placement itself is
 * PlacementForecastTest's (atoll-control); here, the HTTP contract.
 */
class PreviewRouteTest {
    private final FakeCloud cloud = new FakeCloud();
    private ApiServer server;
    private Http http;

    @BeforeEach
    void start() {
        server = ApiServer.start(cloud, "127.0.0.1", 0);
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aValidSpecIsAnsweredWithEachServicesSitesAndNothingChanges() {
        HttpResponse<String> response =
                http.post("/v1/environments/preview", "application/yaml", SpecTexts.yaml("shop", 4));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode preview = json(response);
        assertThat(preview.path("environment").asText()).isEqualTo("shop");
        assertThat(preview.path("tenant").asText()).isEqualTo("default");
        assertThat(preview.path("exists").asBoolean()).isFalse();
        assertThat(preview.path("placeable").asBoolean()).isTrue();
        JsonNode web = preview.path("services").get(0);
        assertThat(web.path("service").asText()).isEqualTo("web");
        assertThat(web.path("summary").asText()).isEqualTo("4 replicas would go to fake x4");
        assertThat(web.path("sites").get(0).path("replicas").asInt()).isEqualTo(4);
        assertThat(cloud.changes()).isEmpty();
        assertThat(cloud.previewed()).hasSize(1);
    }

    @Test
    void anInvalidSpecIsA400NamingTheFieldAndIsNotPreviewed() {
        String bad = SpecTexts.yaml("shop", 4).replace("memory: 64Mi", "memory: 64Zi");

        HttpResponse<String> response = http.post("/v1/environments/preview", "application/yaml", bad);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(contentType(response)).startsWith("application/problem+json");
        assertThat(json(response).path("errors").get(0).path("path").asText())
                .isEqualTo("spec.services.web.resources.memory");
        assertThat(cloud.previewed()).isEmpty();
        assertThat(cloud.changes()).isEmpty();
    }

    @Test
    void aSpecTheCloudWouldRejectIsA400FromThePreviewToo() {
        String oci = SpecTexts.yaml("shop", 1).replace("driver: process", "driver: oci\n      image: busybox:1");

        HttpResponse<String> response = http.post("/v1/environments/preview", "application/yaml", oci);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("errors").get(0).path("path").asText()).startsWith("spec.services.web.");
    }

    @Test
    void aCloudThatCannotPreviewSaysSoWith503() {
        CloudApi plain = new CloudApiWithoutPreview(cloud);
        try (ApiServer other = ApiServer.start(plain, "127.0.0.1", 0)) {
            HttpResponse<String> response = new Http(other.uri())
                    .post("/v1/environments/preview", "application/yaml", SpecTexts.yaml("shop", 1));
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(json(response).path("detail").asText()).contains("cannot preview");
        }
    }

    @Test
    void aRollingRestartStampsTheServiceSoEveryReplicaIsReplacedOneByOne() {
        cloud.withEnvironment(Specs.anEnvironment("shop", 2));

        HttpResponse<String> response =
                http.post("/v1/environments/shop/services/web/restart", "application/json", "{}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("outcome").asText()).isEqualTo("updated");
        assertThat(cloud.changes()).containsExactly("update default/shop");
        assertThat(cloud.environment("default", "shop")
                        .orElseThrow()
                        .spec()
                        .services()
                        .get("web")
                        .env())
                .containsKey(CloudApi.RESTARTED_AT);
    }

    @Test
    void restartingAnUnknownServiceIsA404NamingTheServices() {
        cloud.withEnvironment(Specs.anEnvironment("shop", 2));

        HttpResponse<String> response =
                http.post("/v1/environments/shop/services/db/restart", "application/json", "{}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).path("detail").asText())
                .contains("no service db")
                .contains("web");
        assertThat(cloud.changes()).isEmpty();
    }

    /** A cloud that leaves preview to CloudApi's default, as a cloud of an older build would. */
    private record CloudApiWithoutPreview(FakeCloud delegate) implements CloudApi {
        public dev.atoll.control.auth.AuthRecords authRecords() {
            return delegate.authRecords();
        }

        public java.util.Optional<dev.atoll.control.auth.TokenRecord> token(String id) {
            return delegate.token(id);
        }

        public dev.atoll.control.auth.AuthRecords changeAuth(dev.atoll.control.auth.AuthRecords change) {
            return delegate.changeAuth(change);
        }

        public void recordAudit(dev.atoll.model.auth.AuditEntry entry) {
            delegate.recordAudit(entry);
        }

        public java.util.List<dev.atoll.model.auth.AuditEntry> audit(String tenant, int max) {
            return delegate.audit(tenant, max);
        }

        public java.util.List<dev.atoll.model.view.SiteView> sites() {
            return delegate.sites();
        }

        public java.util.List<dev.atoll.model.view.NodeView> nodes() {
            return delegate.nodes();
        }

        public java.util.List<dev.atoll.model.view.EnvironmentView> environments(String tenant) {
            return delegate.environments(tenant);
        }

        public java.util.Optional<dev.atoll.model.view.EnvironmentView> environment(String tenant, String name) {
            return delegate.environment(tenant, name);
        }

        public dev.atoll.model.view.DeployOutcome create(dev.atoll.model.spec.EnvironmentSpec spec) {
            return delegate.create(spec);
        }

        public dev.atoll.model.view.DeployOutcome update(dev.atoll.model.spec.EnvironmentSpec spec) {
            return delegate.update(spec);
        }

        public dev.atoll.model.view.DeployOutcome scale(String tenant, String environment, String service, int n) {
            return delegate.scale(tenant, environment, service, n);
        }

        public dev.atoll.model.view.DeployOutcome delete(String tenant, String environment) {
            return delegate.delete(tenant, environment);
        }

        public java.util.List<dev.atoll.model.instance.InstanceView> instances(
                String tenant, String environment, String site) {
            return delegate.instances(tenant, environment, site);
        }

        public java.util.Optional<java.io.InputStream> openLog(String tenant, String id, long offset) {
            return delegate.openLog(tenant, id, offset);
        }

        public java.util.List<dev.atoll.model.view.CloudEvent> recentEvents(int max) {
            return delegate.recentEvents(max);
        }

        public AutoCloseable subscribe(java.util.function.Consumer<dev.atoll.model.view.CloudEvent> listener) {
            return delegate.subscribe(listener);
        }
    }
}
