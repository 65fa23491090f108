package dev.atoll.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.control.cloud.EventLog;
import dev.atoll.control.cloud.FederatedCloud;
import dev.atoll.control.federation.LocalFederation;
import dev.atoll.control.image.SiteImages;
import dev.atoll.control.raft.RaftGroup;
import dev.atoll.control.raft.RaftTimings;
import dev.atoll.control.site.SiteController;
import dev.atoll.control.site.SiteStateMachine;
import dev.atoll.model.GeoPoint;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.testhosts.TestImages;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images over the REST API, against a real one-site cloud with a real image store. */
class ImageRoutesTest {
    @TempDir
    Path dir;

    private RaftGroup raft;
    private SiteController controller;
    private ApiServer server;
    private FederatedCloud cloud;
    private Http http;
    private Path archive;
    private String digest;

    @BeforeEach
    void start() throws Exception {
        var site = new SiteInfo("london", new GeoPoint(51.5, -0.1), "GB", "UK", Set.of());
        var events = new EventLog(Clock.systemUTC(), 100);
        raft = RaftGroup.open(
                "london", List.of("london-c1"), dir.resolve("raft"), SiteStateMachine::new, RaftTimings.defaults());
        controller = new SiteController(site, raft, Map.of(), Clock.systemUTC(), events, 1);
        var federation = new LocalFederation();
        federation.join(controller);
        controller.start(federation, List.of()).get(30, TimeUnit.SECONDS);
        cloud = FederatedCloud.inProcess(List.of(controller), "london", events, Clock.systemUTC(), Set::of)
                .withImages(new SiteImages("london", dir.resolve("images"), List::of));
        server = ApiServer.start(cloud, "127.0.0.1", 0, ApiOptions.defaults());
        TestTokens.registerCloudAdmin(cloud);
        http = new Http(server.uri());
        archive = dir.resolve("tool.tar");
        digest = TestImages.layout(
                archive,
                "tool:2",
                List.of("/tool"),
                tar -> tar.file("tool", 0755, "#!/bin/sh\necho tool\n".getBytes(StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (controller != null) controller.close();
        if (raft != null) raft.close();
    }

    private HttpResponse<String> upload(String query, byte[] body) {
        return http.send(http.request("/v1/images" + query)
                .header("Content-Type", "application/x-tar")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return AtollJson.json().readTree(response.body());
    }

    @Test
    void anImportedArchiveIsAnsweredWithItsDigestAndIsListed() throws Exception {
        var imported = upload("?name=tool:latest", Files.readAllBytes(archive));

        assertThat(imported.statusCode()).isEqualTo(201);
        assertThat(json(imported).path("digest").asText()).isEqualTo(digest);
        assertThat(json(imported).path("names").toString()).contains("tool:latest");
        var listed = json(http.get("/v1/images"));
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("sites").toString()).isEqualTo("[\"london\"]");
    }

    @Test
    void aBodyThatIsNotAnImageArchiveIs400NamingTheBodyAndStoresNothing() throws Exception {
        var refused = upload("", "this is not a tar".getBytes(StandardCharsets.UTF_8));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(refused).path("errors").get(0).path("path").asText()).isEqualTo("body");
        assertThat(json(http.get("/v1/images"))).isEmpty();
    }

    @Test
    void aNameThatIsNotAnImageNameIs400NamingTheNameParameter() throws Exception {
        var refused = upload("?name=Tool", Files.readAllBytes(archive));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).path("errors").get(0).path("path").asText()).isEqualTo("name");
        assertThat(json(http.get("/v1/images"))).isEmpty();
    }

    @Test
    void aServiceNamingAnImportedImageIsDeployedPinnedToItsDigest() throws Exception {
        upload("", Files.readAllBytes(archive));

        var created = http.post("/v1/environments", "application/yaml", container("tool:2"));

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(http.get("/v1/environments/box"))
                        .path("spec")
                        .path("spec")
                        .path("services")
                        .path("tool")
                        .path("image")
                        .asText())
                .isEqualTo("tool:2@" + digest);
    }

    @Test
    void aServiceNamingAnImageNoSiteHoldsIs400NamingItsImageFieldAndIsNotCreated() throws Exception {
        var refused = http.post("/v1/environments", "application/yaml", container("tool:3"));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).path("errors").get(0).path("path").asText()).isEqualTo("spec.services.tool.image");
        assertThat(http.get("/v1/environments/box").statusCode()).isEqualTo(404);
    }

    @Test
    void aTenantsImagesAreItsOwnByNameAndNoOtherTenantSeesOrRunsThem() throws Exception {
        var acme = http.as(TestTokens.create(cloud, "acme", dev.atoll.model.auth.Role.DEPLOYER));
        var imported = acme.send(acme.request("/v1/images")
                .header("Content-Type", "application/x-tar")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(archive))));
        assertThat(imported.statusCode()).isEqualTo(201);
        assertThat(json(imported).path("names").toString()).isEqualTo("[\"tool:2\"]");

        // acme sees it by its own name and runs it; the default tenant neither sees nor runs it.
        assertThat(json(acme.get("/v1/images")).get(0).path("names").toString()).isEqualTo("[\"tool:2\"]");
        assertThat(acme.post("/v1/environments", "application/yaml", container("tool:2"))
                        .statusCode())
                .isEqualTo(201);
        assertThat(json(acme.get("/v1/environments/box"))
                        .path("spec")
                        .path("spec")
                        .path("services")
                        .path("tool")
                        .path("image")
                        .asText())
                .isEqualTo("tool:2@" + digest);
        assertThat(json(http.get("/v1/images"))).isEmpty();
        var refused = http.post("/v1/environments", "application/yaml", container("tool:2"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).path("errors").get(0).path("path").asText()).isEqualTo("spec.services.tool.image");
        // Nor can it reach acme's namespace by naming it.
        var sneaky = http.post("/v1/environments", "application/yaml", container("tenants/acme/tool:2"));
        assertThat(sneaky.statusCode()).isEqualTo(400);
        var reserved = upload("?name=tenants/acme/tool:2", Files.readAllBytes(archive));
        assertThat(reserved.statusCode()).isEqualTo(400);
        assertThat(json(reserved).path("errors").get(0).path("path").asText()).isEqualTo("name");
        assertThat(json(acme.get("/v1/images")).get(0).path("names").toString()).isEqualTo("[\"tool:2\"]");
    }

    @Test
    void anArchiveWhoseOwnNameIsReservedIsRefused() throws Exception {
        Path sneaky = dir.resolve("sneaky.tar");
        TestImages.layout(
                sneaky,
                "tenants/acme/tool:2",
                List.of("/tool"),
                tar -> tar.file("tool", 0755, "#!/bin/sh\necho not yours\n".getBytes(StandardCharsets.UTF_8)));

        var refused = upload("", Files.readAllBytes(sneaky));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).path("detail").asText()).contains("reserved");
        assertThat(json(http.get("/v1/images"))).isEmpty();
    }

    private static String container(String image) {
        return """
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: box}
                spec:
                  services:
                    tool:
                      driver: oci
                      image: %s
                """.formatted(image);
    }
}
