package dev.atoll.cli.hosts;

import static dev.atoll.cli.hosts.CloudOnHosts.instances;
import static dev.atoll.cli.hosts.CloudOnHosts.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.cli.client.ApiException;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.view.ImageView;
import dev.atoll.testhosts.RequiresHosts;
import dev.atoll.testhosts.TestImages;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers from an image imported at one site, run at sites that did not have it: three sites,
 * one node each, with the {@code oci} driver (runc). The image is built here from Debian's static
 * busybox. The tests run in order on one cloud.
 */
@RequiresHosts
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImagesOnHostsTest {
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path dir;

    private CloudOnHosts cloud;
    private String digest;

    @BeforeAll
    void startCloud() throws Exception {
        assumeThat(TestImages.busyboxPresent())
                .as("needs /bin/busybox (Debian's busybox-static, installed by scripts/install-test-deps)")
                .isTrue();
        assumeThat(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")))
                .as("needs runc (installed by scripts/install-test-deps)")
                .isTrue();
        assumeThat(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")))
                .as("needs qemu-system-x86_64 (installed by scripts/install-test-deps)")
                .isTrue();
        assumeThat(dev.atoll.agent.driver.microvm.MicrovmDriver.findDefaultKernel())
                .as("needs a guest kernel under /boot (Debian's linux-image-cloud-amd64, installed by"
                        + " scripts/install-test-deps)")
                .isPresent();
        cloud = CloudOnHosts.start(
                "ImagesOnHostsTest", dir, CloudOnHosts.EUROPE, 1, "cpu=4,memory=4Gi", "process,oci,microvm");
        Path archive = dir.resolve("busybox.tar");
        // 32 MiB of ballast make the transfer between sites show in the time to run.
        digest = TestImages.busyboxLayout(archive, "busybox:1", List.of("sh"), 32 << 20);
        ImageView imported = cloud.api("london").importImage(archive, Optional.empty());
        assertThat(imported.digest()).isEqualTo(digest);
        assertThat(imported.names()).containsExactly("busybox:1");
        assertThat(imported.sites()).containsExactly("london");
    }

    @AfterAll
    void stopCloud() {
        if (cloud != null) cloud.close();
    }

    private static String container(String name, String site) {
        return """
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: %s}
                spec:
                  services:
                    web:
                      driver: oci
                      image: busybox:1
                      command: [sh, -c, 'echo serving from $ATOLL_SITE; exec httpd -f -p $ATOLL_PORT_HTTP -h /www']
                      ports: [http]
                      health: {http: {path: /index.html, port: http}}
                      resources: {cpu: 100m, memory: 64Mi}
                      placement: {sites: [%s]}
                """.formatted(name, site);
    }

    @Test
    @Order(1)
    void aContainerRunsAtASiteThatFetchesItsImageFromTheSiteThatHasIt() {
        ApiClient frankfurt = cloud.api("frankfurt");
        long t0 = System.nanoTime();
        frankfurt.create(container("fetched", "frankfurt"), "application/yaml");
        await("the container running (healthy) at frankfurt")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> running(instances(frankfurt, "fetched")) == 1);
        long fetched = (System.nanoTime() - t0) / 1_000_000;

        InstanceView web = instances(frankfurt, "fetched").getFirst();
        assertThat(web.site()).isEqualTo("frankfurt");
        assertThat(log(frankfurt, web.id())).contains("serving from frankfurt");
        // The spec as stored names the digest it runs, wherever and whenever a replica is placed.
        assertThat(frankfurt.environment("fetched").orElseThrow().spec().toString())
                .contains(digest);
        assertThat(sitesHolding(frankfurt)).contains("london", "frankfurt");

        ApiClient london = cloud.api("london");
        long t1 = System.nanoTime();
        london.create(container("local", "london"), "application/yaml");
        await("the container running (healthy) at london")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> running(instances(london, "local")) == 1);
        long local = (System.nanoTime() - t1) / 1_000_000;
        System.out.printf(
                "image transfer (34 MiB image): deploy to healthy %d ms at a site that fetched it, %d ms at the site"
                        + " that had it%n",
                fetched, local);
    }

    @Test
    @Order(2)
    void aThirdSiteFetchesFromTheSitesThatHoldItAndTheImageIsThenListedAtAllThree() {
        ApiClient paris = cloud.api("paris");
        paris.create(container("third", "paris"), "application/yaml");
        await("the container running at paris")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> running(instances(paris, "third")) == 1);

        assertThat(sitesHolding(paris)).containsExactlyInAnyOrder("london", "frankfurt", "paris");
    }

    @Test
    @Order(3)
    void aServiceNamingAnImageNoSiteHoldsIsRefusedNamingTheField() {
        ApiClient london = cloud.api("london");
        var refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                ApiException.class,
                () -> london.create(
                        container("missing", "london").replace("busybox:1", "nginx:1"), "application/yaml"));

        assertThat(refused.getMessage()).contains("spec.services.web.image").contains("nginx:1");
        assertThat(london.environment("missing")).isEmpty();
    }

    @Test
    @Order(4)
    void aMicroVmBootsTheSameImageRunsItsCommandAndItsConsoleReachesTheLogs() {
        ApiClient paris = cloud.api("paris");
        var node = paris.nodes(Optional.of("paris")).getFirst();
        assertThat(node.drivers()).contains("microvm", "oci", "process");
        assertThat(node.driverDetails().get("microvm")).isIn("kvm", "tcg");

        paris.create("""
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: vm}
                spec:
                  services:
                    guest:
                      driver: microvm
                      image: busybox:1
                      command: [sh, -c, 'echo hello-from-microvm at $ATOLL_SITE; exec sleep 100000']
                      resources: {cpu: 1, memory: 128Mi}
                      placement: {sites: [paris]}
                """, "application/yaml");
        await("the guest's command printed on its console")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> instances(paris, "vm").stream()
                        .anyMatch(i -> log(paris, i.id()).contains("hello-from-microvm at paris")));
        paris.delete("vm");
        await("the micro-VM stopped")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> instances(paris, "vm").isEmpty() && !qemuOfThisTestRunning());
    }

    @Test
    @Order(5)
    void deletingAnEnvironmentRemovesItsContainers() throws Exception {
        ApiClient london = cloud.api("london");
        for (String env : List.of("fetched", "local", "third")) london.delete(env);

        // A container's cwd is inside its own root, so it is found by its command, and its root
        // filesystem by the host's mount table.
        await("no container left, nor its root filesystem")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> List.of("fetched", "local", "third").stream()
                                .allMatch(env -> instances(london, env).isEmpty())
                        && !httpdRunning()
                        && mountsUnder(dir).isEmpty());
    }

    private static boolean httpdRunning() {
        return ProcessHandle.allProcesses()
                .anyMatch(p -> p.info().commandLine().orElse("").startsWith("httpd -f -p "));
    }

    private static List<String> mountsUnder(Path root) throws java.io.IOException {
        String prefix = root.toAbsolutePath().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(line -> line.split(" ")[4])
                .filter(target -> target.startsWith(prefix))
                .toList();
    }

    /** A QEMU process whose command line names this test's data: one of its micro-VMs. */
    private static boolean qemuOfThisTestRunning() {
        String data = dir.toAbsolutePath().toString();
        return ProcessHandle.allProcesses().anyMatch(p -> {
            String line = p.info().commandLine().orElse("");
            return line.contains("qemu-system") && line.contains(data);
        });
    }

    private static List<String> sitesHolding(ApiClient api) {
        return api.images().stream()
                .filter(i -> i.names().contains("busybox:1"))
                .flatMap(i -> i.sites().stream())
                .toList();
    }

    private static String log(ApiClient api, String instance) {
        var out = new StringWriter();
        api.logs(instance, 0, false, out);
        return out.toString();
    }
}
