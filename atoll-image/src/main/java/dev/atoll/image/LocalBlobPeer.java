package dev.atoll.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Serves a local {@link BlobStore} as a peer. Chunk lists are computed on first ask and cached:
 * blobs never change, so a cached list stays true.
 */
public final class LocalBlobPeer implements BlobPeer {
    public static final int DEFAULT_CHUNK_SIZE = 1024 * 1024;
    private final String name;
    private final BlobStore store;
    private final int chunkSize;
    private final ConcurrentMap<String, ChunkList> lists = new ConcurrentHashMap<>();

    public LocalBlobPeer(String name, BlobStore store) {
        this(name, store, DEFAULT_CHUNK_SIZE);
    }

    public LocalBlobPeer(String name, BlobStore store, int chunkSize) {
        if (chunkSize <= 0) throw new IllegalArgumentException("chunkSize must be positive");
        this.name = name;
        this.store = store;
        this.chunkSize = chunkSize;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<ChunkList> chunks(String digest) throws IOException {
        ChunkList cached = lists.get(digest);
        if (cached != null) return Optional.of(cached);
        if (!store.has(digest)) return Optional.empty();
        ChunkList computed = compute(digest);
        lists.putIfAbsent(digest, computed);
        return Optional.of(computed);
    }

    @Override
    public byte[] read(String digest, long offset, int length) throws IOException {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("offset and length must not be negative");
        try (InputStream in = store.open(digest, offset)) {
            return in.readNBytes(length);
        }
    }

    private ChunkList compute(String digest) throws IOException {
        long size = store.size(digest);
        var hashes = new ArrayList<String>();
        byte[] buffer = new byte[chunkSize];
        try (InputStream in = store.open(digest, 0)) {
            int n;
            while ((n = in.readNBytes(buffer, 0, chunkSize)) > 0) {
                hashes.add(Digests.of(buffer, 0, n));
            }
        }
        return new ChunkList(digest, size, chunkSize, hashes);
    }

    @Override
    public String toString() {
        return "LocalBlobPeer[" + name + "]";
    }
}
