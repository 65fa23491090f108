package dev.atoll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.api.ApiOptions;
import dev.atoll.api.ApiServer;
import dev.atoll.cli.testing.Cli;
import dev.atoll.cli.testing.Contract;
import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.view.CloudEvent;
import dev.atoll.model.view.DeployOutcome;
import dev.atoll.model.view.EnvironmentView;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CLI against the real atoll-api server (not the fake), over a small in-memory cloud: proves
 * both sides read the REST contract the same way for every route that needs no spec parsing.
 */
class RealApiContractTest {
    private final StaticCloud cloud = new StaticCloud();
    private final ApiServer server =
            ApiServer.start(cloud, "127.0.0.1", 0, ApiOptions.defaults().withSpecWriter(spec -> {
                var tree = AtollJson.json().createObjectNode();
                tree.put("apiVersion", "atoll/v1").put("kind", "Environment");
                tree.putObject("metadata").put("name", spec.name());
                return tree;
            }));

    @AfterEach
    void stop() {
        server.close();
    }

    /** A cloud admin's token the static cloud knows, passed as --token like a user would. */
    private static final String TOKEN = "atoll_00000000000000ad_" + "a".repeat(43);

    private Cli.Result atoll(String... args) {
        var all = new ArrayList<>(List.of("--server", server.uri().toString(), "--token", TOKEN));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void listsEveryKind() {
        assertThat(atoll("get", "sites").out()).contains("london   GB        UK");
        assertThat(atoll("get", "nodes", "--site", "london").out()).contains("london   london-1   ready");
        assertThat(atoll("get", "environments").out()).contains("hello   1          1/2         deploying   london");
        assertThat(atoll("get", "instances", "-o", "wide").out())
                .contains("hello.web.0")
                .contains("0 of 9 nodes fit");
    }

    @Test
    void describesAnEnvironment() {
        var result = atoll("describe", "environment", "hello");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .contains("Status:    deploying")
                .contains("web    -")
                .contains("instance-started");
    }

    @Test
    void theServersProblemsArePrintedWithTheirFieldPaths() {
        var scale = atoll("scale", "hello/web", "5000");
        var delete = atoll("delete", "environment", "nope");
        var logs = atoll("logs", "nope.web.0");

        assertThat(scale.exitCode()).isEqualTo(1);
        assertThat(scale.err()).contains("replicas: must be between 0 and 1000, got 5000");
        assertThat(delete.exitCode()).isEqualTo(1);
        assertThat(delete.err()).startsWith("error: ").contains("nope");
        assertThat(logs.exitCode()).isEqualTo(1);
        assertThat(logs.err()).startsWith("error: ").contains("nope.web.0");
    }

    @Test
    void readsLogsAndEvents() {
        assertThat(atoll("logs", "hello.web.0").out()).isEqualTo("Serving HTTP on 0.0.0.0 port 41000\n");
        assertThat(atoll("events").out()).contains("instance-started   london   hello");
        assertThat(atoll("events", "-o", "json").out()).contains("\"seq\": 1");
    }

    /** A cloud that never changes: enough to serve every read route and reject the rest. */
    private static final class StaticCloud implements CloudApi {
        private final EnvironmentView hello = new EnvironmentView(
                "hello",
                "default",
                "london",
                1,
                "deploying",
                Contract.T0,
                Contract.T0,
                List.of(Contract.service("web", 2, 1, 1)),
                new EnvironmentSpec("hello", "default", java.util.Map.of()));

        @Override
        public List<SiteView> sites() {
            return List.of(Contract.site("london", "GB", "UK"), Contract.site("paris", "FR", "EU"));
        }

        @Override
        public List<NodeView> nodes() {
            return List.of(Contract.node("london", "london-1"), Contract.node("paris", "paris-1"));
        }

        @Override
        public List<EnvironmentView> environments(String tenant) {
            return List.of(hello);
        }

        @Override
        public Optional<EnvironmentView> environment(String tenant, String name) {
            return name.equals("hello") ? Optional.of(hello) : Optional.empty();
        }

        @Override
        public DeployOutcome create(EnvironmentSpec spec) {
            return new DeployOutcome.Conflict("read-only cloud");
        }

        @Override
        public DeployOutcome update(EnvironmentSpec spec) {
            return new DeployOutcome.NotFound("read-only cloud");
        }

        @Override
        public DeployOutcome scale(String tenant, String environment, String service, int replicas) {
            return new DeployOutcome.NotFound("read-only cloud");
        }

        @Override
        public DeployOutcome delete(String tenant, String environment) {
            return new DeployOutcome.NotFound("no environment " + environment);
        }

        @Override
        public List<InstanceView> instances(String tenant, String environment, String site) {
            return List.of(
                    Contract.instance("hello.web.0", "london", InstanceState.RUNNING),
                    Contract.instance("hello.web.1", null, InstanceState.UNPLACEABLE, "0 of 9 nodes fit"));
        }

        @Override
        public Optional<InputStream> openLog(String tenant, String instanceId, long fromOffset) {
            if (!instanceId.equals("hello.web.0")) return Optional.empty();
            return Optional.of(
                    new ByteArrayInputStream("Serving HTTP on 0.0.0.0 port 41000\n".getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public List<CloudEvent> recentEvents(int max) {
            return List.of(new CloudEvent(
                    1, Contract.T0, "instance-started", "london", "hello", "hello.web.0", "started on london-1"));
        }

        @Override
        public AutoCloseable subscribe(Consumer<CloudEvent> listener) {
            return () -> {};
        }

        private final dev.atoll.control.auth.AuthRecords auth =
                dev.atoll.control.auth.AuthRecords.ofToken(new dev.atoll.control.auth.TokenRecord(
                        dev.atoll.model.auth.BearerTokens.parse(TOKEN)
                                .orElseThrow()
                                .id(),
                        "default",
                        dev.atoll.model.auth.Role.ADMIN,
                        "test",
                        dev.atoll.model.auth.BearerTokens.hash(dev.atoll.model.auth.BearerTokens.parse(TOKEN)
                                .orElseThrow()
                                .secret()),
                        Contract.T0,
                        null));

        @Override
        public dev.atoll.control.auth.AuthRecords authRecords() {
            return auth.copy();
        }

        @Override
        public java.util.Optional<dev.atoll.control.auth.TokenRecord> token(String id) {
            return auth.token(id);
        }

        @Override
        public dev.atoll.control.auth.AuthRecords changeAuth(dev.atoll.control.auth.AuthRecords change) {
            throw new UnsupportedOperationException("a static cloud changes nothing");
        }

        @Override
        public void recordAudit(dev.atoll.model.auth.AuditEntry entry) {
            // A static cloud keeps no audit log: these tests are about reads.
        }

        @Override
        public List<dev.atoll.model.auth.AuditEntry> audit(String tenant, int max) {
            return List.of();
        }
    }
}
