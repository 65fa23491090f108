package dev.atoll.cli.bench;

import dev.atoll.agent.driver.Driver;
import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.agent.driver.NodeDrivers;
import dev.atoll.agent.driver.Workload;
import dev.atoll.image.ImageConfig;
import dev.atoll.image.PreparedImage;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.DriverKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * Starts instances one after another on this machine with one driver, each running a command that
 * prints "ready" and then sleeps, and times each start from the driver call until "ready" is in its
 * log. Memory per instance is what MemAvailable lost over all of them. Stops early when the machine
 * would drop below {@link #MEMORY_FLOOR} of available memory, and removes everything at the end.
 */
final class DensityBenchmark {
    static final long MEMORY_FLOOR = 2L << 30;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> COMMAND = List.of("/bin/busybox", "sh", "-c", "echo ready; exec sleep 1000000");

    record Result(
            DriverKind driver,
            List<Duration> starts,
            long availableBefore,
            long availableAfter,
            boolean stoppedAtFloor) {
        long bytesPerInstance() {
            return starts.isEmpty() ? 0 : Math.max(0, (availableBefore - availableAfter) / starts.size());
        }
    }

    private DensityBenchmark() {}

    static Result run(DriverKind kind, int count, Path workDir, PrintWriter out) throws Exception {
        var found = NodeDrivers.detect(Set.of(kind), workDir.resolve("drivers"), Optional.empty());
        Driver driver = found.drivers().get(kind);
        if (driver == null) {
            throw new IllegalStateException("driver " + kind.wireName() + " does not work here: "
                    + found.missing().get(kind));
        }
        out.printf(
                "density: %s%s, up to %d instances%n",
                kind.wireName(),
                Optional.ofNullable(found.details().get(kind.wireName()))
                        .map(d -> " (" + d + ")")
                        .orElse(""),
                count);
        out.flush();
        Optional<PreparedImage> image =
                kind == DriverKind.PROCESS ? Optional.empty() : Optional.of(busyboxImage(workDir.resolve("image")));
        Resources resources =
                kind == DriverKind.MICROVM ? new Resources(1000, 128L << 20) : new Resources(100, 64L << 20);
        List<Workload> started = new ArrayList<>();
        List<Duration> starts = new ArrayList<>();
        long before = memAvailable();
        boolean floor = false;
        try {
            for (int i = 1; i <= count; i++) {
                if (memAvailable() < MEMORY_FLOOR) {
                    floor = true;
                    break;
                }
                Path dir = workDir.resolve("instances").resolve("bench-" + i);
                Files.createDirectories(dir);
                Path log = dir.resolve("log");
                var spec = new LaunchSpec(
                        "bench-" + i,
                        COMMAND,
                        Map.of("PATH", "/bin"),
                        dir,
                        log,
                        image,
                        resources,
                        Map.of(),
                        false,
                        List.of());
                long t0 = System.nanoTime();
                Workload w = driver.start(spec);
                started.add(w);
                awaitReady(log, w);
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                starts.add(took);
                if (i == 1 || i % 100 == 0 || i == count) {
                    out.printf("  instance %d ready after %d ms%n", i, took.toMillis());
                    out.flush();
                }
            }
            Thread.sleep(1000); // let page cache and lazily touched memory settle before reading
            long after = memAvailable();
            return new Result(kind, starts, before, after, floor);
        } finally {
            stopAll(driver, started);
        }
    }

    private static void awaitReady(Path log, Workload w) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("ready")) return;
            if (w.exit().isDone()) {
                throw new IllegalStateException("an instance ended before it was ready: " + Files.readString(log));
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("an instance was not ready within " + READY_TIMEOUT);
    }

    private static void stopAll(Driver driver, List<Workload> started) {
        try (var pool = Executors.newFixedThreadPool(8)) {
            // No grace: `sleep` as a container's pid 1 ignores SIGTERM, and only the clean-up is wanted.
            for (Workload w : started) pool.submit(() -> driver.stop(w.ref(), Duration.ZERO));
        }
    }

    static long memAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no MemAvailable in /proc/meminfo");
    }

    /** A root filesystem with Debian's static busybox and its applets as links. */
    static PreparedImage busyboxImage(Path dir) throws IOException {
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isExecutable(busybox)) throw new IllegalStateException("/bin/busybox is missing (busybox-static)");
        Path rootfs = dir.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        for (String d : List.of("proc", "sys", "dev", "tmp", "etc")) Files.createDirectories(rootfs.resolve(d));
        Path target = rootfs.resolve("bin/busybox");
        if (!Files.exists(target)) Files.copy(busybox, target);
        for (String applet : List.of("sh", "echo", "sleep", "cat", "ls", "mount", "poweroff", "ip")) {
            Path link = rootfs.resolve("bin").resolve(applet);
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                Files.createSymbolicLink(link, Path.of("busybox"));
        }
        var config = new ImageConfig(List.of(), List.of("/bin/sh"), List.of("PATH=/bin"), "/", "", Map.of());
        return new PreparedImage("sha256:" + "0".repeat(64), rootfs, config);
    }
}
