package dev.atoll.agent.driver.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.atoll.agent.driver.ExitStatus;
import dev.atoll.agent.driver.LaunchException;
import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.agent.driver.Workload;
import dev.atoll.agent.driver.WorkloadRef;
import dev.atoll.agent.network.InstanceLinks;
import dev.atoll.image.ImageConfig;
import dev.atoll.image.PreparedImage;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.Mount;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real runc containers of a busybox image built here. Needs root, runc, cgroups and overlayfs. */
@Tag("host")
class OciDriverTest {
    private static final Duration GRACE = Duration.ofMillis(200);
    private static final List<String> APPLETS =
            List.of("sh", "echo", "cat", "sleep", "id", "nc", "httpd", "ls", "touch", "mkdir", "pwd");
    private static final ImageConfig BUSYBOX = new ImageConfig(
            List.of(),
            List.of("sh", "-c", "echo from the image cmd"),
            List.of("PATH=/bin", "GREETING=hello"),
            "/srv",
            "",
            Map.of());

    @TempDir
    static Path imageDir;

    static PreparedImage image;

    @TempDir
    Path stateDir;

    @TempDir
    Path instances;

    OciDriver driver;
    final List<WorkloadRef> started = new ArrayList<>();

    @BeforeAll
    static void buildBusyboxImage() throws IOException {
        var probe = OciDriver.probe();
        Assumptions.assumeTrue(probe.usable(), () -> "the oci driver cannot run here: " + probe.detail());
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "no /bin/busybox to build an image from");
        Path rootfs = imageDir.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("srv"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        for (String applet : APPLETS)
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
        Files.writeString(
                rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\napp:x:1000:\n");
        image = new PreparedImage("sha256:test", rootfs, BUSYBOX);
    }

    @BeforeEach
    void newDriver() {
        driver = new OciDriver(stateDir);
    }

    @AfterEach
    void stopEverything() {
        for (var ref : started) driver.stop(ref, Duration.ZERO);
        new OciDriver(stateDir).reclaim(List.of());
    }

    @Test
    void outputReachesTheLogAndTheExitCodeIsReported() throws Exception {
        var spec = spec("out", List.of("sh", "-c", "echo hello from inside; exit 3"));

        ExitStatus status = exitOf(start(spec));

        assertThat(status).isEqualTo(ExitStatus.of(3));
        assertThat(Files.readString(spec.logFile())).contains("hello from inside");
    }

    @Test
    void theImageCmdRunsUnlessTheServiceGivesACommand() throws Exception {
        var fromImage = spec("cmd", List.of());
        assertThat(exitOf(start(fromImage))).isEqualTo(ExitStatus.of(0));
        assertThat(Files.readString(fromImage.logFile())).contains("from the image cmd");

        var fromService = spec("own", List.of("echo", "from the service"));
        assertThat(exitOf(start(fromService))).isEqualTo(ExitStatus.of(0));
        assertThat(Files.readString(fromService.logFile()))
                .contains("from the service")
                .doesNotContain("image cmd");
    }

    @Test
    void environmentWorkingDirectoryAndUserComeFromTheImageAndTheService() throws Exception {
        var asApp = new PreparedImage(
                "sha256:app",
                image.rootfs(),
                new ImageConfig(List.of(), List.of(), BUSYBOX.env(), "/srv", "app", Map.of()));
        var env = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin"), "MINE", "mine", "GREETING", "hi");
        var spec = withImage(
                spec(
                        "env",
                        List.of(
                                "sh",
                                "-c",
                                "echo uid=$(id -u) gid=$(id -g) pwd=$(pwd) path=$PATH greeting=$GREETING arg=$0 home=$HOME",
                                "${MINE}")),
                asApp,
                env);

        assertThat(exitOf(start(spec))).isEqualTo(ExitStatus.of(0));

        assertThat(Files.readString(spec.logFile()))
                .contains("uid=1000 gid=1000 pwd=/srv path=/bin greeting=hi arg=mine home=/home/app");
    }

    @Test
    void cpuAndMemoryLimitsAreSetOnTheContainersCgroups() throws Exception {
        var spec = withResources(spec("limits", List.of("sleep", "30")), new Resources(250, 64L << 20));

        var workload = start(spec);

        assertThat(cgroupFile(workload.ref().pid(), "memory", "memory.limit_in_bytes"))
                .isEqualTo(Long.toString(64L << 20));
        assertThat(cgroupFile(workload.ref().pid(), "cpu", "cpu.cfs_quota_us")).isEqualTo("25000");
        assertThat(cgroupFile(workload.ref().pid(), "cpu", "cpu.cfs_period_us")).isEqualTo("100000");
    }

    @Test
    void aReadOnlyRootCannotBeWrittenButItsTmpfsCan() throws Exception {
        var spec = withMounts(
                spec(
                        "ro",
                        List.of(
                                "sh",
                                "-c",
                                "touch /written 2>/dev/null && echo root-writable || echo root-readonly;"
                                        + " touch /data/file && echo tmpfs-writable")),
                true,
                List.of(new Mount("/data", Mount.Kind.TMPFS)));

        assertThat(exitOf(start(spec))).isEqualTo(ExitStatus.of(0));

        assertThat(Files.readString(spec.logFile()))
                .contains("root-readonly", "tmpfs-writable")
                .doesNotContain("root-writable");
        assertThat(image.rootfs().resolve("written")).doesNotExist();
    }

    @Test
    void aScratchMountSurvivesARestartOfTheSameInstance() throws Exception {
        var mounts = List.of(new Mount("/state", Mount.Kind.SCRATCH));
        var first = withMounts(
                spec("scratch", List.of("sh", "-c", "echo kept > /state/file; echo > /upper-only")), false, mounts);
        assertThat(exitOf(start(first))).isEqualTo(ExitStatus.of(0));

        var second = withMounts(
                spec("scratch", List.of("sh", "-c", "cat /state/file; ls /upper-only 2>/dev/null || echo upper-gone")),
                false,
                mounts);
        assertThat(exitOf(start(second))).isEqualTo(ExitStatus.of(0));

        assertThat(Files.readString(second.logFile())).contains("kept", "upper-gone");
        assertThat(second.directory().resolve("scratch/state/file")).hasContent("kept");
    }

    @Test
    void anAllocatedHostPortIsForwardedToTheSamePortInsideTheContainer() throws Exception {
        int port = freePort();
        var spec = withPorts(
                spec(
                        "web",
                        List.of(
                                "sh",
                                "-c",
                                "mkdir -p /tmp/www && echo served from the container > /tmp/www/index.html"
                                        + " && exec httpd -f -p ${ATOLL_PORT_HTTP} -h /tmp/www")),
                port);

        start(spec);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(get(port)).contains("served from the container"));
    }

    @Test
    void aRunningContainerAddsNoMountToTheHost() throws Exception {
        var spec = spec("unmounted", List.of("sh", "-c", "echo > /written; sleep 60"));

        var workload = start(spec);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(spec.directory().resolve("bundle/upper/written"))
                        .exists());
        assertThat(workload.exit()).isNotDone();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo")))
                .doesNotContain(spec.directory().toString());
    }

    @Test
    void stopLeavesNoContainerMountNamespaceOrLease() throws Exception {
        var spec = withPorts(spec("stopped", List.of("sleep", "60")), freePort());
        var workload = start(spec);
        var record = ContainerRecord.load(
                        stateDir.resolve("containers"), workload.ref().handle())
                .orElseThrow();
        var network = new InstanceLinks.Attachment(record.block());
        assertThat(network.netnsPath()).exists();

        driver.stop(workload.ref(), GRACE);

        assertThat(workload.exit().get(5, TimeUnit.SECONDS).code()).isPresent();
        assertThat(stateDir.resolve("runc").resolve(workload.ref().handle())).doesNotExist();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo")))
                .doesNotContain(spec.directory().toString());
        assertThat(network.netnsPath()).doesNotExist();
        assertThat(Path.of("/sys/class/net", network.hostVeth())).doesNotExist();
        assertThat(leaseHolder(record.block())).isNotEqualTo(stateDir.toString());
        assertThat(spec.directory().resolve("bundle/upper")).doesNotExist();
        driver.stop(workload.ref(), GRACE); // once more: nothing left to do, no failure
    }

    @Test
    void aNewDriverOnTheSameStateAdoptsARunningContainerAndForwardsItsPortAgain() throws Exception {
        int port = freePort();
        var spec = withPorts(
                spec(
                        "adopted",
                        List.of(
                                "sh",
                                "-c",
                                "mkdir -p /tmp/www && echo still here > /tmp/www/index.html && exec httpd -f -p " + port
                                        + " -h /tmp/www")),
                port);
        var workload = start(spec);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(get(port)).contains("still here"));
        driver.closeForwarders(); // the agent's process ends; the container does not

        var restarted = new OciDriver(stateDir);
        Optional<Workload> adopted = restarted.adopt(workload.ref());

        assertThat(adopted).isPresent();
        assertThat(restarted.adopt(new WorkloadRef(
                        workload.ref().pid(), Instant.EPOCH, workload.ref().handle())))
                .isEmpty();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(get(port)).contains("still here"));
        restarted.stop(workload.ref(), GRACE);
        assertThat(adopted.get().exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.unknown());
    }

    @Test
    void reclaimRemovesContainersThatAreNotKept() throws Exception {
        var kept = start(spec("kept", List.of("sleep", "60")));
        var stray = start(spec("stray", List.of("sleep", "60")));
        var strayBlock = ContainerRecord.load(
                        stateDir.resolve("containers"), stray.ref().handle())
                .orElseThrow()
                .block();

        new OciDriver(stateDir).reclaim(List.of(kept.ref()));

        assertThat(stray.exit().get(5, TimeUnit.SECONDS).code()).isPresent();
        assertThat(stateDir.resolve("runc").resolve(stray.ref().handle())).doesNotExist();
        assertThat(leaseHolder(strayBlock)).isNotEqualTo(stateDir.toString());
        assertThat(kept.exit()).isNotDone();
        assertThat(stateDir.resolve("runc").resolve(kept.ref().handle())).exists();
    }

    @Test
    void aCommandMissingFromTheImageFailsTheLaunchAndLeavesNothing() {
        var spec = spec("missing", List.of("no-such-command"));

        assertThatThrownBy(() -> driver.start(spec))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("command not found in the image: no-such-command");
        assertThat(stateDir.resolve("containers/missing.json")).doesNotExist();
    }

    @Test
    void aHostPortThatCannotBeListenedOnFailsTheLaunchAndReleasesEverything() throws Exception {
        try (var taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var spec = withPorts(spec("taken", List.of("sleep", "60")), taken.getLocalPort());

            assertThatThrownBy(() -> driver.start(spec))
                    .isInstanceOf(LaunchException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
        assertThat(stateDir.resolve("runc/taken")).doesNotExist();
        assertThat(stateDir.resolve("containers/taken.json")).doesNotExist();
        assertThat(new InstanceLinks(InstanceLinks.HOST_LEASES, stateDir.toString(), Path.of("ip")).leases())
                .isEmpty();
    }

    // fixtures

    private LaunchSpec spec(String name, List<String> command) {
        Path dir = instances.resolve(name);
        return new LaunchSpec(
                name,
                command,
                Map.of(),
                dir,
                dir.resolve("log"),
                Optional.of(image),
                Resources.ZERO,
                Map.of(),
                false,
                List.of());
    }

    private static LaunchSpec withImage(LaunchSpec s, PreparedImage image, Map<String, String> env) {
        return new LaunchSpec(
                s.name(),
                s.command(),
                env,
                s.directory(),
                s.logFile(),
                Optional.of(image),
                s.resources(),
                s.ports(),
                s.readOnly(),
                s.mounts());
    }

    private static LaunchSpec withResources(LaunchSpec s, Resources resources) {
        return new LaunchSpec(
                s.name(),
                s.command(),
                s.environment(),
                s.directory(),
                s.logFile(),
                s.image(),
                resources,
                s.ports(),
                s.readOnly(),
                s.mounts());
    }

    private static LaunchSpec withMounts(LaunchSpec s, boolean readOnly, List<Mount> mounts) {
        return new LaunchSpec(
                s.name(),
                s.command(),
                s.environment(),
                s.directory(),
                s.logFile(),
                s.image(),
                s.resources(),
                s.ports(),
                readOnly,
                mounts);
    }

    private static LaunchSpec withPorts(LaunchSpec s, int port) {
        return new LaunchSpec(
                s.name(),
                s.command(),
                Map.of("ATOLL_PORT_HTTP", Integer.toString(port)),
                s.directory(),
                s.logFile(),
                s.image(),
                s.resources(),
                Map.of("http", port),
                s.readOnly(),
                s.mounts());
    }

    private Workload start(LaunchSpec spec) throws LaunchException {
        var workload = driver.start(spec);
        started.add(workload.ref());
        return workload;
    }

    private static ExitStatus exitOf(Workload workload) throws Exception {
        return workload.exit().get(10, TimeUnit.SECONDS);
    }

    /** A file of the cgroup that {@code pid} is in, read on the host. */
    private static String cgroupFile(long pid, String controller, String file) throws IOException {
        String path = Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup")).stream()
                .map(l -> l.split(":", 3))
                .filter(f -> List.of(f[1].split(",")).contains(controller))
                .map(f -> f[2])
                .findFirst()
                .orElseThrow();
        return Files.readString(Path.of("/sys/fs/cgroup", controller, path, file))
                .strip();
    }

    private static String leaseHolder(int block) throws IOException {
        Path lease = InstanceLinks.HOST_LEASES.resolve(Integer.toString(block));
        return Files.exists(lease) ? Files.readAllLines(lease).get(0) : "";
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String get(int port) throws Exception {
        try (var client = HttpClient.newHttpClient()) {
            return client.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }
}
