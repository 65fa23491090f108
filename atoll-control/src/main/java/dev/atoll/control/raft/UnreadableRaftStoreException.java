package dev.atoll.control.raft;

import java.nio.file.Path;

/**
 * A member's Raft store exists but cannot be read. Starting with empty state instead would silently
 * forget committed commands, so the group refuses to open; the operator must repair or remove the
 * file.
 */
public final class UnreadableRaftStoreException extends RuntimeException {
    private final transient Path file;

    public UnreadableRaftStoreException(Path file, String reason, Throwable cause) {
        super(
                "Raft store " + file + " cannot be read (" + reason
                        + "); repair it, restore it from a backup, or remove it to let this member rejoin empty",
                cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
