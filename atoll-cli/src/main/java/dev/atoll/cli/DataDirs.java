package dev.atoll.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** A data dir belongs to one process at a time: two on one dir would corrupt each other's logs. */
public final class DataDirs {
    private DataDirs() {}

    /**
     * Locks {@code dir} (creating it) for the life of this process.
     *
     * @return the lock, or empty when another process holds it
     */
    public static Optional<FileLock> lock(Path dir, String lockName) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel =
                FileChannel.open(dir.resolve(lockName), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        return Optional.of(lock);
    }

    /** Removes a directory tree made for a run (benchmarks); what cannot be removed is left. */
    public static void deleteQuietly(Path dir) {
        if (!java.nio.file.Files.exists(dir)) return;
        try (var files = java.nio.file.Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                try {
                    java.nio.file.Files.deleteIfExists(p);
                } catch (java.io.IOException e) {
                    // a file still in use: left for the OS's temp clean-up
                }
            }
        } catch (java.io.IOException e) {
            // the tree went away meanwhile
        }
    }
}
