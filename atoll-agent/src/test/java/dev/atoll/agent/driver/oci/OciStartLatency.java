package dev.atoll.agent.driver.oci;

import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.agent.driver.WorkloadRef;
import dev.atoll.image.ImageConfig;
import dev.atoll.image.PreparedImage;
import dev.atoll.model.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Measures how long {@link OciDriver#start} takes for a busybox container (from the call until runc has
 * written the init's pid, network and overlay included), one after another, each left running until
 * the end: {@code java -cp <test classpath> dev.atoll.agent.driver.oci.OciStartLatency 10}.
 */
public final class OciStartLatency {
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path dir = Files.createTempDirectory("atoll-oci-latency");
        Path rootfs = dir.resolve("image/rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        for (String applet : List.of("sh", "sleep")) {
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        var image = new PreparedImage(
                "sha256:latency",
                rootfs,
                new ImageConfig(List.of(), List.of("sleep", "600"), List.of("PATH=/bin"), "", "", Map.of()));
        var driver = new OciDriver(dir.resolve("state"));
        var refs = new ArrayList<WorkloadRef>();
        var millis = new ArrayList<Double>();
        try {
            for (int i = 0; i < count; i++) {
                Path instance = dir.resolve("instances/c" + i);
                var spec = new LaunchSpec(
                        "c" + i,
                        List.of(),
                        Map.of(),
                        instance,
                        instance.resolve("log"),
                        Optional.of(image),
                        new Resources(100, 32L << 20),
                        Map.of(),
                        false,
                        List.of());
                long t0 = System.nanoTime();
                refs.add(driver.start(spec).ref());
                millis.add((System.nanoTime() - t0) / 1e6);
            }
        } finally {
            for (var ref : refs) driver.stop(ref, Duration.ZERO);
        }
        var sorted = millis.stream().sorted().toList();
        System.out.printf(
                "starts (ms, in order): %s%n",
                millis.stream().map(m -> String.format("%.1f", m)).toList());
        System.out.printf(
                "median %.1f ms, min %.1f ms, max %.1f ms, first %.1f ms, last %.1f ms%n",
                sorted.get(sorted.size() / 2),
                sorted.get(0),
                sorted.get(sorted.size() - 1),
                millis.get(0),
                millis.get(millis.size() - 1));
    }
}
