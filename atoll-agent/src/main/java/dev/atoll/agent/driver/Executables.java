package dev.atoll.agent.driver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds the host tools drivers run (runc, ip, nsenter, qemu). */
public final class Executables {
    /** Debian puts runc and ip in /usr/sbin, which an agent started from a plain shell may lack on PATH. */
    private static final List<String> SYSTEM_DIRS =
            List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/sbin", "/usr/bin", "/bin");

    private Executables() {}

    /** {@code name} on PATH, else in the usual system directories. */
    public static Optional<Path> find(String name) {
        var dirs = new ArrayList<String>();
        String path = System.getenv("PATH");
        if (path != null) dirs.addAll(List.of(path.split(":")));
        dirs.addAll(SYSTEM_DIRS);
        for (String dir : dirs) {
            if (dir.isEmpty()) continue;
            Path file = Path.of(dir, name);
            if (Files.isRegularFile(file) && Files.isExecutable(file)) return Optional.of(file);
        }
        return Optional.empty();
    }

    /** Whether this process runs with user id 0 (the effective one, as /proc/self/status says). */
    public static boolean isRoot() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.split("\\s+"))
                    .anyMatch(f -> f.length > 2 && f[2].equals("0"));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
