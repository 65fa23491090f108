package dev.atoll.cli.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.client.Credentials;
import dev.atoll.cli.testing.Cli;
import dev.atoll.cli.testing.FakeAtoll;
import dev.atoll.cli.testing.FakeAtoll.Reply;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthCommandsTest {
    @Test
    void tenantCreatePostsTheNameAndSaysWhatComesNext() {
        try (var api = FakeAtoll.start()
                .on(
                        "POST",
                        "/v1/tenants",
                        Reply.json(201, Map.of("name", "acme", "createdAt", "2026-01-01T00:00:00Z")))) {
            var result = Cli.run("--server", api.url(), "tenant", "create", "acme");

            assertThat(result.exitCode()).isZero();
            assertThat(api.requests().getFirst().body()).contains("\"name\":\"acme\"");
            assertThat(result.out()).contains("created tenant acme", "atoll token create --tenant acme --role admin");
        }
    }

    @Test
    void aBadTenantNameIsAUsageErrorNamingIt() {
        var result = Cli.run("--server", "http://127.0.0.1:1", "tenant", "create", "Acme Corp");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("NAME: must be a DNS label");
    }

    @Test
    void tokenCreatePrintsTheTokenAloneOnStdoutAndSendsTenantRoleAndName() {
        try (var api = FakeAtoll.start()
                .on(
                        "POST",
                        "/v1/tokens",
                        Reply.json(
                                201,
                                Map.of(
                                        "id", "0123456789abcdef",
                                        "tenant", "acme",
                                        "role", "deployer",
                                        "name", "ci",
                                        "token", "atoll_0123456789abcdef_secret")))) {
            var result = Cli.run(
                    "--server", api.url(), "token", "create", "--tenant", "acme", "--role", "deployer", "--name", "ci");

            assertThat(result.exitCode()).isZero();
            assertThat(result.out()).isEqualTo("atoll_0123456789abcdef_secret\n");
            assertThat(result.err()).contains("not shown again");
            assertThat(api.requests().getFirst().body())
                    .contains("\"tenant\":\"acme\"", "\"role\":\"deployer\"", "\"name\":\"ci\"");
        }
    }

    @Test
    void anUnknownRoleIsAUsageErrorNamingTheChoices() {
        var result = Cli.run("--server", "http://127.0.0.1:1", "token", "create", "--role", "root");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--role: must be one of admin, deployer, viewer");
    }

    @Test
    void tokenListAndAuditPrintTables() {
        try (var api = FakeAtoll.start()
                .on(
                        "GET",
                        "/v1/tokens",
                        Reply.ok(List.of(Map.of(
                                "id",
                                "0123456789abcdef",
                                "tenant",
                                "acme",
                                "role",
                                "viewer",
                                "name",
                                "ci",
                                "createdAt",
                                "2026-01-01T00:00:00Z"))))
                .on(
                        "GET",
                        "/v1/audit",
                        Reply.ok(List.of(Map.ofEntries(
                                Map.entry("time", "2026-01-01T00:00:00Z"),
                                Map.entry("site", "london"),
                                Map.entry("tenant", "acme"),
                                Map.entry("tokenId", "0123456789abcdef"),
                                Map.entry("tokenName", "ci"),
                                Map.entry("role", "deployer"),
                                Map.entry("method", "POST"),
                                Map.entry("route", "/v1/environments"),
                                Map.entry("resource", "/v1/environments"),
                                Map.entry("status", 201),
                                Map.entry("outcome", "done")))))) {
            var tokens = Cli.run("--server", api.url(), "token", "list", "--tenant", "acme");
            var audit = Cli.run("--server", api.url(), "audit", "--limit", "5");

            assertThat(tokens.out()).contains("ID", "ROLE", "0123456789abcdef", "viewer");
            assertThat(api.requests("GET", "/v1/tokens").getFirst().query()).containsEntry("tenant", "acme");
            assertThat(audit.out()).contains("POST /v1/environments", "london", "done", "0123456789abcdef (ci)");
            assertThat(api.requests("GET", "/v1/audit").getFirst().query()).containsEntry("limit", "5");
        }
    }

    @Test
    void credentialsKeepOneTokenPerServerForTheOwnerOnly(@TempDir Path dir) throws Exception {
        var credentials = new Credentials(dir.resolve("credentials.json"));
        credentials.save(URI.create("http://127.0.0.1:7070/"), "atoll_a");
        credentials.save(URI.create("http://127.0.0.1:7071"), "atoll_b");

        assertThat(credentials.tokenFor(URI.create("http://127.0.0.1:7070"))).contains("atoll_a");
        assertThat(credentials.tokenFor(URI.create("http://127.0.0.1:7071/"))).contains("atoll_b");
        assertThat(credentials.tokenFor(URI.create("http://127.0.0.1:7072"))).isEmpty();
        assertThat(Files.getPosixFilePermissions(dir.resolve("credentials.json")))
                .extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    }
}
