package dev.atoll.agent.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.atoll.agent.driver.LaunchException;
import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.agent.driver.Workload;
import dev.atoll.agent.driver.WorkloadRef;
import dev.atoll.image.ImageConfig;
import dev.atoll.image.PreparedImage;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.Mount;
import java.io.IOException;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Boots real micro-VMs: a busybox image on the node's own kernel, under TCG where KVM does not work. */
@Tag("host")
class MicrovmDriverTest {
    private static final Duration BOOT = Duration.ofSeconds(60);
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    static Path shared;

    static Path kernel;
    static Accelerator accelerator;
    static PreparedImage busybox;

    @TempDir
    Path dir;

    private final List<Workload> started = new ArrayList<>();
    private MicrovmDriver driver;

    @BeforeAll
    static void requireQemuAndKernel() throws IOException {
        assumeTrue(MicrovmDriver.findQemu().isPresent(), "skipped: qemu-system-x86_64 is not installed");
        Optional<Path> found = MicrovmDriver.findDefaultKernel();
        assumeTrue(found.isPresent(), "skipped: no /boot/vmlinuz-* kernel to boot");
        assumeTrue(Files.isExecutable(BUSYBOX), "skipped: no static /bin/busybox to build a guest from");
        kernel = found.get();
        accelerator = Files.exists(Path.of("/dev/kvm")) ? null : Accelerator.TCG;
        busybox = busyboxImage(shared.resolve("rootfs"), List.of("FROM_IMAGE=image", "SHARED=image"));
    }

    static PreparedImage busyboxImage(Path rootfs, List<String> env) throws IOException {
        Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
        for (String applet :
                List.of("sh", "echo", "mount", "ip", "poweroff", "sleep", "stty", "cat", "env", "insmod", "nc")) {
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        Files.createDirectories(rootfs.resolve("tmp"));
        var config = new ImageConfig(List.of(), List.of("sh"), env, "/tmp", "", Map.of());
        return new PreparedImage("sha256:" + "b".repeat(64), rootfs, config);
    }

    private MicrovmDriver driver() {
        if (driver == null) {
            // The probe costs a boot per accelerator; where KVM may work the test finds out once.
            if (accelerator == null)
                accelerator = MicrovmDriver.probe(kernel, Duration.ofSeconds(10))
                        .accelerator()
                        .orElseThrow();
            driver = new MicrovmDriver(dir.resolve("state"), accelerator, Optional.of(kernel));
        }
        return driver;
    }

    private LaunchSpec spec(String name, List<String> command, Map<String, String> env) {
        return new LaunchSpec(
                name,
                command,
                env,
                dir.resolve(name),
                dir.resolve(name + ".log"),
                Optional.of(busybox),
                Resources.ZERO,
                Map.of(),
                false,
                List.of());
    }

    private Workload start(LaunchSpec spec) throws LaunchException {
        Workload w = driver().start(spec);
        started.add(w);
        return w;
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"));
        } catch (IOException e) {
            return "";
        }
    }

    @AfterEach
    void stopEverything() {
        for (Workload w : started) driver.stop(w.ref(), Duration.ZERO);
    }

    @Test
    void probeFindsAnAcceleratorThatBootsTheKernelWithinItsTimeout() {
        Duration timeout = Duration.ofSeconds(10);
        Instant before = Instant.now();
        MicrovmProbe probe = MicrovmDriver.probe(kernel, timeout);
        Duration took = Duration.between(before, Instant.now());

        assertThat(probe.accelerator()).as(probe.detail()).isPresent();
        assertThat(probe.detail()).contains(probe.accelerator().get().wireName() + ": boots");
        // One attempt per accelerator, each bounded by the timeout, plus starting and killing QEMU.
        assertThat(took).isLessThan(timeout.multipliedBy(2).plusSeconds(10));
    }

    @Test
    void probeWithoutAKernelSaysSo() {
        MicrovmProbe probe = MicrovmDriver.probe(dir.resolve("no-such-vmlinuz"), Duration.ofSeconds(1));
        assertThat(probe.accelerator()).isEmpty();
        assertThat(probe.detail()).contains("no kernel");
    }

    @Test
    void vmRunsItsCommandAndItsConsoleOutputAndExitCodeReachTheLog() throws Exception {
        Workload vm = start(spec("echo", List.of("sh", "-c", "echo hello-from-vm; exit 3"), Map.of()));

        var exit = vm.exit().get(BOOT.toSeconds(), TimeUnit.SECONDS);

        assertThat(exit.code()).hasValue(3);
        assertThat(log("echo")).contains("hello-from-vm\n").contains("atoll: booting micro-VM");
        assertThat(Path.of(vm.ref().handle())).doesNotExist();
    }

    @Test
    void environmentReachesTheGuestWithTheSpecOverridingTheImage() throws Exception {
        Workload vm = start(spec(
                "env",
                List.of("sh", "-c", "echo \"env:$FROM_IMAGE:$SHARED:$FROM_SPEC:${FROM_SPEC}-expanded\"; pwd"),
                Map.of("FROM_SPEC", "spec's value", "SHARED", "spec")));

        assertThat(vm.exit().get(BOOT.toSeconds(), TimeUnit.SECONDS).code()).hasValue(0);
        assertThat(log("env"))
                .contains("env:image:spec:spec's value:spec's value-expanded")
                .contains("/tmp");
    }

    @Test
    void stopEndsARunningVmWithinItsGraceAndRemovesItsRuntimeFiles() throws Exception {
        Workload vm = start(spec("sleeper", List.of("sh", "-c", "echo started; sleep 1000"), Map.of()));
        await().atMost(BOOT).until(() -> log("sleeper").contains("started"));
        Duration grace = Duration.ofSeconds(2);

        Instant before = Instant.now();
        driver.stop(vm.ref(), grace);
        Duration took = Duration.between(before, Instant.now());

        assertThat(took).isLessThan(grace.plusSeconds(10));
        assertThat(vm.exit().get(10, TimeUnit.SECONDS).code()).isEmpty();
        // Reaped by now (exit completed), so a zombie cannot pass for a live QEMU.
        assertThat(ProcessHandle.of(vm.ref().pid()).filter(ProcessHandle::isAlive))
                .isEmpty();
        assertThat(Path.of(vm.ref().handle())).doesNotExist();
        assertThat(dir.resolve("sleeper.log")).exists();
        driver.stop(vm.ref(), grace); // again: nothing to do
    }

    @Test
    void aNewDriverAdoptsARunningVmByItsRefButNotAStaleRef() throws Exception {
        Workload vm = start(spec("adoptee", List.of("sh", "-c", "echo started; sleep 1000"), Map.of()));
        await().atMost(BOOT).until(() -> log("adoptee").contains("started"));
        var restarted = new MicrovmDriver(dir.resolve("state"), accelerator, Optional.of(kernel));
        WorkloadRef ref = vm.ref();

        Optional<Workload> adopted = restarted.adopt(ref);
        Optional<Workload> stale =
                restarted.adopt(new WorkloadRef(ref.pid(), ref.processStart().minusSeconds(5), ref.handle()));

        assertThat(adopted).isPresent();
        assertThat(stale).isEmpty();
        restarted.stop(ref, Duration.ZERO);
        assertThat(adopted.get().exit().get(10, TimeUnit.SECONDS).code()).isEmpty();
    }

    @Test
    void anAdoptedVmThatEndsReportsItsCommandsExitCodeFromTheLog() throws Exception {
        Workload vm = start(spec("short", List.of("sh", "-c", "echo started; sleep 3; exit 4"), Map.of()));
        await().atMost(BOOT).until(() -> log("short").contains("started"));

        Workload adopted = new MicrovmDriver(dir.resolve("state"), accelerator, Optional.of(kernel))
                .adopt(vm.ref())
                .orElseThrow();

        assertThat(adopted.exit().get(BOOT.toSeconds(), TimeUnit.SECONDS).code())
                .hasValue(4);
    }

    @Test
    void reclaimKillsVmsNobodyKeepsAndLeavesKeptOnes() throws Exception {
        Workload unknown = start(spec("unknown", List.of("sh", "-c", "echo started; sleep 1000"), Map.of()));
        Workload kept = start(spec("kept", List.of("sh", "-c", "echo started; sleep 1000"), Map.of()));
        await().atMost(BOOT)
                .until(() -> log("unknown").contains("started") && log("kept").contains("started"));

        new MicrovmDriver(dir.resolve("state"), accelerator, Optional.of(kernel)).reclaim(List.of(kept.ref()));

        assertThat(unknown.exit().get(10, TimeUnit.SECONDS).code()).isEmpty();
        assertThat(Path.of(unknown.ref().handle())).doesNotExist();
        assertThat(kept.exit()).isNotDone();
        assertThat(Path.of(kept.ref().handle())).exists();
    }

    @Test
    void tmpfsMountsAreWritableAndAReadOnlyRootIsNot() throws Exception {
        var spec = new LaunchSpec(
                "ro",
                List.of("sh", "-c", "echo kept > /cache/tmp/f && cat /cache/tmp/f; echo x > /f || echo root-refused"),
                Map.of(),
                dir.resolve("ro"),
                dir.resolve("ro.log"),
                Optional.of(busybox),
                Resources.ZERO,
                Map.of(),
                true,
                List.of(new Mount("/cache/tmp", Mount.Kind.TMPFS)));

        Workload vm = start(spec);

        assertThat(vm.exit().get(BOOT.toSeconds(), TimeUnit.SECONDS).code()).hasValue(0);
        assertThat(log("ro")).contains("kept\n").contains("root-refused");
    }

    @Test
    void onANodeWithoutNetworkingPortsAreNotedInTheLogAsUnreachableRatherThanRefused() throws Exception {
        var spec = new LaunchSpec(
                "ports",
                List.of("true"),
                Map.of(),
                dir.resolve("ports"),
                dir.resolve("ports.log"),
                Optional.of(busybox),
                Resources.ZERO,
                Map.of("http", 18080),
                false,
                List.of());

        Workload vm = start(spec);

        assertThat(vm.exit().get(BOOT.toSeconds(), TimeUnit.SECONDS).code()).hasValue(0);
        assertThat(log("ports")).contains("this node gives micro-VMs no network; ports http are not reachable");
    }

    @Test
    void withoutAKernelInTheImageOrOnTheNodeTheLaunchSaysSo() {
        var spec = spec("nokernel", List.of("true"), Map.of());

        assertThatThrownBy(() -> new MicrovmDriver(dir.resolve("state"), Accelerator.TCG, Optional.empty()).start(spec))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("no kernel to boot");
    }

    @Test
    void anImageWithoutAShellIsRefusedWithTheReason() throws IOException {
        Path rootfs = Files.createDirectories(dir.resolve("empty-rootfs"));
        var image = new PreparedImage("sha256:" + "e".repeat(64), rootfs, ImageConfig.EMPTY);
        var spec = new LaunchSpec(
                "noshell",
                List.of("true"),
                Map.of(),
                dir.resolve("noshell"),
                dir.resolve("noshell.log"),
                Optional.of(image),
                Resources.ZERO,
                Map.of(),
                false,
                List.of());

        assertThatThrownBy(
                        () -> new MicrovmDriver(dir.resolve("state"), Accelerator.TCG, Optional.of(kernel)).start(spec))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("/bin/sh");
    }

    @Test
    void scratchMountsAreRefusedAsNotSupportedYet() {
        var spec = new LaunchSpec(
                "scratch",
                List.of("true"),
                Map.of(),
                dir.resolve("scratch"),
                dir.resolve("scratch.log"),
                Optional.of(busybox),
                Resources.ZERO,
                Map.of(),
                false,
                List.of(new Mount("/data", Mount.Kind.SCRATCH)));

        assertThatThrownBy(
                        () -> new MicrovmDriver(dir.resolve("state"), Accelerator.TCG, Optional.of(kernel)).start(spec))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("scratch");
    }
}
