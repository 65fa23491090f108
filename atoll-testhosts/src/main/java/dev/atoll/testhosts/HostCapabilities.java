package dev.atoll.testhosts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine can run host tests: Linux, root, iproute2, and {@code ip netns} and bridges actually work
 * (checked by creating and deleting one of each). Checked once per JVM.
 *
 * @param reason why not, in words a developer can act on; empty when available
 */
public record HostCapabilities(boolean available, String reason) {
    private static HostCapabilities checked;

    public static synchronized HostCapabilities check() {
        if (checked == null) {
            checked = probe();
        }
        return checked;
    }

    /** Skips the calling test (JUnit assumption) with the reason when hosts are not available. */
    public static void assumeHostsAvailable() {
        HostCapabilities capabilities = check();
        Assumptions.assumeTrue(capabilities.available(), capabilities::reason);
    }

    private static HostCapabilities probe() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            return unavailable("host tests need Linux network namespaces; this is " + os);
        }
        long uid = uid();
        if (uid != 0) {
            return unavailable("host tests need root to create network namespaces (running as uid " + uid
                    + "); they run as root in CI");
        }
        try {
            Commands.ip("-V");
        } catch (HostCommandException e) {
            return unavailable("host tests need iproute2's `ip` command (" + e.getMessage()
                    + "); scripts/install-test-deps installs it");
        }
        try {
            HarnessRuns.underMachineLock(() -> {
                String runId = HarnessRuns.freshRunId();
                try {
                    HarnessRuns.createOwnedBridge(runId, "capability-probe");
                    Commands.ip("netns", "add", runId + "-probe");
                } finally {
                    Commands.ipIgnoringMissing("netns", "del", runId + "-probe");
                    Commands.ipIgnoringMissing("link", "del", "dev", runId);
                }
                return null;
            });
        } catch (HostCommandException e) {
            return unavailable("host tests need network namespaces and bridges, but " + e.getMessage());
        } catch (IllegalStateException e) {
            return unavailable("host tests could not probe network namespaces: " + e.getMessage());
        }
        return new HostCapabilities(true, "");
    }

    private static HostCapabilities unavailable(String reason) {
        return new HostCapabilities(false, "skipped: " + reason);
    }

    /** From /proc: no JNI, and a non-Linux machine was already turned away above. */
    private static long uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Fall through: unknown counts as not root.
        }
        return -1;
    }
}
