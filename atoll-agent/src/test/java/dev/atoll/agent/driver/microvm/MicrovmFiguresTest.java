package dev.atoll.agent.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.agent.driver.Workload;
import dev.atoll.image.PreparedImage;
import dev.atoll.model.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for the report, not a check: boot-to-command latency and the memory one idle VM
 * costs the node. Runs only with {@code -Datoll.microvm.figures=true}.
 */
@Tag("host")
class MicrovmFiguresTest {
    @TempDir
    Path dir;

    @Test
    void printsBootToCommandLatencyAndIdleQemuMemory() throws Exception {
        assumeTrue(
                Boolean.getBoolean("atoll.microvm.figures"), "skipped: figures run with -Datoll.microvm.figures=true");
        assumeTrue(
                MicrovmDriver.findQemu().isPresent()
                        && MicrovmDriver.findDefaultKernel().isPresent(),
                "skipped: no qemu or kernel");
        PreparedImage image = MicrovmDriverTest.busyboxImage(dir.resolve("rootfs"), List.of());
        var driver = new MicrovmDriver(dir.resolve("state"), Accelerator.TCG, MicrovmDriver.findDefaultKernel());
        var latenciesMs = new ArrayList<Long>();
        for (int run = 0; run < 5; run++) {
            String name = "boot" + run;
            Path log = dir.resolve(name + ".log");
            long before = System.nanoTime();
            Workload vm = driver.start(new LaunchSpec(
                    name,
                    List.of("echo", "command-runs"),
                    Map.of(),
                    dir.resolve(name),
                    log,
                    Optional.of(image),
                    Resources.ZERO,
                    Map.of(),
                    false,
                    List.of()));
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> Files.readString(log).contains("command-runs"));
            latenciesMs.add((System.nanoTime() - before) / 1_000_000);
            vm.exit().get();
        }
        var sorted = latenciesMs.stream().sorted().toList();
        System.out.println("FIGURE boot-to-command tcg ms " + latenciesMs + " median " + sorted.get(2));
        for (long mib : List.of(96L, 128L, 256L)) {
            String name = "idle" + mib;
            Path log = dir.resolve(name + ".log");
            Workload vm = driver.start(new LaunchSpec(
                    name,
                    List.of("sh", "-c", "echo idle; sleep 1000"),
                    Map.of(),
                    dir.resolve(name),
                    log,
                    Optional.of(image),
                    new Resources(0, mib << 20),
                    Map.of(),
                    false,
                    List.of()));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Files.readString(log).contains("idle"));
            Thread.sleep(2000);
            String rss = Files.readAllLines(
                            Path.of("/proc", Long.toString(vm.ref().pid()), "status"))
                    .stream()
                    .filter(l -> l.startsWith("VmRSS"))
                    .findFirst()
                    .orElse("?");
            System.out.println("FIGURE idle qemu -m " + mib + " " + rss);
            driver.stop(vm.ref(), Duration.ZERO);
        }
        assertThat(latenciesMs).hasSize(5);
    }
}
