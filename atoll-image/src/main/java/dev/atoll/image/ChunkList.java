package dev.atoll.image;

import java.util.List;

/**
 * How a blob is cut for transfer: {@code size} bytes in chunks of {@code chunkSize} (the last one
 * shorter), each with its sha256 as {@code sha256:<hex>}, so a receiver verifies every chunk on
 * arrival and can take different chunks from different peers.
 */
public record ChunkList(String digest, long size, int chunkSize, List<String> chunkSha256) {
    public ChunkList {
        if (chunkSize <= 0) throw new IllegalArgumentException("chunkSize must be positive, not " + chunkSize);
        if (size < 0) throw new IllegalArgumentException("size must not be negative");
        chunkSha256 = List.copyOf(chunkSha256);
        long expected = expectedChunks(size, chunkSize);
        if (chunkSha256.size() != expected) {
            throw new IllegalArgumentException("a blob of " + size + " bytes has " + expected + " chunks of "
                    + chunkSize + ", not " + chunkSha256.size());
        }
    }

    public int chunks() {
        return chunkSha256.size();
    }

    public long offset(int chunk) {
        return (long) chunk * chunkSize;
    }

    public int length(int chunk) {
        return (int) Math.min(chunkSize, size - offset(chunk));
    }

    static long expectedChunks(long size, int chunkSize) {
        return (size + chunkSize - 1) / chunkSize;
    }
}
