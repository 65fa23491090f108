package dev.atoll.agent.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.atoll.agent.driver.Driver;
import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.agent.driver.Workload;
import dev.atoll.image.PreparedImage;
import dev.atoll.model.Resources;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live migration between two micro-VM drivers (two nodes' state directories on this machine): the
 * guest counts on its console while its memory moves, and goes on counting on the destination.
 */
@Tag("host")
class MicrovmMigrationTest {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Pattern TICK = Pattern.compile("tick (\\d+)");

    @TempDir
    static Path shared;

    static Path kernel;
    static PreparedImage busybox;

    @TempDir
    Path dir;

    private final List<Map.Entry<Driver, Workload>> started = new ArrayList<>();

    @BeforeAll
    static void requireQemuAndKernel() throws IOException {
        assumeTrue(MicrovmDriver.findQemu().isPresent(), "skipped: qemu-system-x86_64 is not installed");
        Optional<Path> found = MicrovmDriver.findDefaultKernel();
        assumeTrue(found.isPresent(), "skipped: no /boot/vmlinuz-* kernel to boot");
        assumeTrue(Files.isExecutable(BUSYBOX), "skipped: no static /bin/busybox to build a guest from");
        kernel = found.get();
        busybox = MicrovmDriverTest.busyboxImage(shared.resolve("rootfs"), List.of());
    }

    @AfterEach
    void stopEverything() {
        for (var e : started) e.getKey().stop(e.getValue().ref(), Duration.ZERO);
    }

    @Test
    void aCountingGuestMovesLiveToAnotherDriverAndCountsOnWhereItWas() throws Exception {
        // Given a guest counting on its console at one node
        Accelerator accelerator = Files.exists(Path.of("/dev/kvm"))
                ? MicrovmDriver.probe(kernel, Duration.ofSeconds(10))
                        .accelerator()
                        .orElseThrow()
                : Accelerator.TCG;
        var source = new MicrovmDriver(dir.resolve("n1"), accelerator, Optional.of(kernel));
        var destination = new MicrovmDriver(dir.resolve("n2"), accelerator, Optional.of(kernel));
        Workload running = source.start(spec("n1"));
        started.add(Map.entry(source, running));
        await().atMost(BOOT).until(() -> lastTick(log("n1")) >= 10);

        // When the other node waits for it and the memory is sent there while the guest runs
        int port = freePort();
        Workload incoming = destination.startIncoming(spec("n2"), "127.0.0.1", port);
        started.add(Map.entry(destination, incoming));
        var outcome = source.migrate(running.ref(), "127.0.0.1", port, Duration.ofSeconds(60));

        // Then the migration completed, the destination runs, and the guest counts on where it was
        assertThat(outcome.completed()).as(outcome.detail()).isTrue();
        assertThat(destination.awaitIncoming(incoming.ref(), Duration.ofSeconds(10)))
                .isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> lastTick(log("n2")) > firstTick(log("n2")) + 5);
        long last = lastTick(log("n1"));
        assertThat(firstTick(log("n2"))).isEqualTo(last + 1);
        assertThat(log("n2")).contains("receiving a running micro-VM on tcp:127.0.0.1:" + port);
        System.out.printf(
                "micro-VM live migration (%s): the guest paused %d ms; counted %d at the source, went on at %d%n",
                accelerator.wireName(), outcome.downtime().toMillis(), last, firstTick(log("n2")));
    }

    @Test
    void aMigrationToNobodyFailsAndTheGuestRunsOnAtTheSource() throws Exception {
        var source = new MicrovmDriver(dir.resolve("n1"), Accelerator.TCG, Optional.of(kernel));
        Workload running = source.start(spec("n1"));
        started.add(Map.entry(source, running));
        await().atMost(BOOT).until(() -> lastTick(log("n1")) >= 5);

        var outcome = source.migrate(running.ref(), "127.0.0.1", freePort(), Duration.ofSeconds(3));

        assertThat(outcome.completed()).isFalse();
        long before = lastTick(log("n1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> lastTick(log("n1")) > before + 5);
    }

    private LaunchSpec spec(String node) {
        return new LaunchSpec(
                "counter",
                List.of("sh", "-c", "i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 0.1; done"),
                Map.of(),
                dir.resolve(node).resolve("work"),
                dir.resolve(node + ".log"),
                Optional.of(busybox),
                Resources.ZERO,
                Map.of(),
                false,
                List.of());
    }

    private String log(String node) {
        try {
            return Files.readString(dir.resolve(node + ".log"));
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long lastTick(String text) {
        Matcher m = TICK.matcher(text);
        long last = -1;
        while (m.find()) last = Long.parseLong(m.group(1));
        return last;
    }

    private static long firstTick(String text) {
        Matcher m = TICK.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
