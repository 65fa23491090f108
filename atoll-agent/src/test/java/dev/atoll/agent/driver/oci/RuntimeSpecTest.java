package dev.atoll.agent.driver.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.atoll.agent.driver.LaunchException;
import dev.atoll.image.ImageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeSpecTest {
    @TempDir
    Path rootfs;

    private static ImageConfig image(List<String> env, String user) {
        return new ImageConfig(List.of("/bin/entry"), List.of("serve"), env, "", user, Map.of());
    }

    @Test
    void theAgentHostsOwnVariablesGiveWayToTheImagesButTheServicesOwnValuesWin() {
        var agentHost = Map.of("PATH", "/home/me/bin:/usr/bin", "HOME", "/home/me", "LANG", "C.UTF-8");
        var instance = Map.of(
                "PATH",
                "/home/me/bin:/usr/bin",
                "HOME",
                "/srv/custom",
                "LANG",
                "C.UTF-8",
                "MODE",
                "prod",
                "ATOLL_PORT_HTTP",
                "8080");

        var env = RuntimeSpec.environment(
                image(List.of("PATH=/opt/app/bin:/bin", "MODE=dev"), ""), instance, agentHost, ContainerUser.ROOT);

        assertThat(env)
                .containsEntry("PATH", "/opt/app/bin:/bin")
                .containsEntry("HOME", "/srv/custom")
                .containsEntry("MODE", "prod")
                .containsEntry("ATOLL_PORT_HTTP", "8080")
                .doesNotContainKey("LANG");
    }

    @Test
    void withoutAnImagePathTheUsualOneAndTheUsersHomeAreGiven() {
        var env = RuntimeSpec.environment(image(List.of(), ""), Map.of(), Map.of(), new ContainerUser(7, 7, "/home/x"));

        assertThat(env).containsEntry("PATH", RuntimeSpec.DEFAULT_PATH).containsEntry("HOME", "/home/x");
    }

    @Test
    void argvIsTheEntrypointAndTheServicesCommandExpandedFromTheContainersEnvironment() throws Exception {
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createFile(rootfs.resolve("bin/entry"));

        var args = RuntimeSpec.args(image(List.of(), ""), List.of("--port", "${PORT}"), Map.of("PORT", "9000"), rootfs);

        assertThat(args).containsExactly("/bin/entry", "--port", "9000");
    }

    @Test
    void aCommandAbsentFromTheImageIsReportedBeforeAnythingStarts() {
        assertThatThrownBy(() -> RuntimeSpec.args(image(List.of(), ""), List.of(), Map.of("PATH", "/bin"), rootfs))
                .isInstanceOf(LaunchException.class)
                .hasMessage("command not found in the image: /bin/entry");
    }

    @Test
    void usersAreNumbersOrNamesFromTheImagesOwnPasswdAndGroup() throws Exception {
        writeAccounts();

        assertThat(ContainerUser.resolve("", rootfs)).isEqualTo(ContainerUser.ROOT);
        assertThat(ContainerUser.resolve("app", rootfs)).isEqualTo(new ContainerUser(1000, 1001, "/home/app"));
        assertThat(ContainerUser.resolve("1000", rootfs)).isEqualTo(new ContainerUser(1000, 1001, "/home/app"));
        assertThat(ContainerUser.resolve("app:staff", rootfs)).isEqualTo(new ContainerUser(1000, 50, "/home/app"));
        assertThat(ContainerUser.resolve("4242:4343", rootfs)).isEqualTo(new ContainerUser(4242, 4343, "/"));
    }

    @Test
    void anUnknownUserOrGroupIsALaunchErrorNamingIt() throws Exception {
        writeAccounts();

        assertThatThrownBy(() -> ContainerUser.resolve("nobody", rootfs)).hasMessageContaining("\"nobody\"");
        assertThatThrownBy(() -> ContainerUser.resolve("app:wheel", rootfs)).hasMessageContaining("\"wheel\"");
    }

    @Test
    void limitsNamespacesAndMountsAreWrittenAsTheRuntimeSpecSaysThem() {
        var config = RuntimeSpec.build(new RuntimeSpec.Inputs(
                "web-0",
                List.of("/bin/entry"),
                Map.of("A", "1"),
                "/",
                ContainerUser.ROOT,
                true,
                1500,
                128L << 20,
                "atoll/abcd-web-0",
                "/run/netns/atoll-oci-3",
                List.of(RuntimeSpec.tmpfs("/cache"))));

        assertThat(config.at("/linux/resources/cpu/quota").asLong()).isEqualTo(150_000);
        assertThat(config.at("/linux/resources/cpu/period").asLong()).isEqualTo(100_000);
        assertThat(config.at("/linux/resources/memory/limit").asLong()).isEqualTo(128L << 20);
        assertThat(config.at("/linux/resources/memory/swap").asLong()).isEqualTo(128L << 20);
        assertThat(config.at("/root/readonly").asBoolean()).isTrue();
        assertThat(config.at("/linux/namespaces/4/path").asText()).isEqualTo("/run/netns/atoll-oci-3");
        assertThat(config.at("/process/env/0").asText()).isEqualTo("A=1");
        assertThat(config.at("/mounts").findValuesAsText("destination")).contains("/proc", "/sys", "/cache");
    }

    @Test
    void theRootOverlayIsMountedBeforeEverythingThatLandsOnIt() {
        var config = RuntimeSpec.build(new RuntimeSpec.Inputs(
                "web-0",
                List.of("/bin/entry"),
                Map.of(),
                "/",
                ContainerUser.ROOT,
                false,
                100,
                64L << 20,
                "atoll/abcd-web-0",
                "/run/netns/atoll-oci-3",
                List.of(
                        RuntimeSpec.tmpfs("/cache"),
                        RuntimeSpec.overlayRoot("/images/a/rootfs", Path.of("/b/upper"), Path.of("/b/work")))));

        assertThat(config.at("/mounts/0/destination").asText()).isEqualTo("/");
        assertThat(config.at("/mounts/0/type").asText()).isEqualTo("overlay");
        assertThat(config.at("/mounts/0/options").toString())
                .contains("lowerdir=/images/a/rootfs", "upperdir=/b/upper", "workdir=/b/work");
        assertThat(config.at("/mounts").findValuesAsText("destination")).endsWith("/cache");
    }

    @Test
    void containerIdsKeepRuncsAlphabetAndNeverMerge() {
        assertThat(OciDriver.containerId("web-0.shop.acme")).isEqualTo("web-0.shop.acme");
        assertThat(OciDriver.containerId("acme/shop/web#0"))
                .matches("[A-Za-z0-9_+.-]+")
                .startsWith("acme-shop-web-0-");
        assertThat(OciDriver.containerId("a/b")).isNotEqualTo(OciDriver.containerId("a:b"));
        assertThat(OciDriver.containerId("x".repeat(200))).hasSizeLessThanOrEqualTo(64);
    }

    private void writeAccounts() throws IOException {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(
                rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nstaff:x:50:\n");
    }
}
