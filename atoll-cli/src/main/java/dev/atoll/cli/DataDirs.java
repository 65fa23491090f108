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
}
