package dev.atoll.image.remote;

import dev.atoll.image.ChunkList;
import dev.atoll.model.json.AtollJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The wire calls for images (atoll-wire/PROTOCOL.md): between sites, and from a node agent to its
 * site. Bodies are JSON, except the answer of {@link #READ}, which is the chunk's bytes.
 */
public final class ImageCalls {
    /** {@link Resolve} → {@link Resolved}: which manifest a reference names at the answering site. */
    public static final String RESOLVE = "image.resolve";
    /**
     * {@link ChunksOf} → {@link Chunks}. With {@code fetch}, a site that lacks the blob first fetches
     * it from the other sites (an agent asks so); without, it answers only for what it holds.
     */
    public static final String CHUNKS = "image.chunks";
    /** {@link Read} → the bytes. */
    public static final String READ = "image.read";

    /** Empty body → {@link Listed}: the images the answering site holds. */
    public static final String LIST = "image.list";

    public record Listed(List<Held> images) {}

    public record Held(java.util.List<String> names, String digest, long size, java.time.Instant imported) {}

    public record Resolve(String ref) {}

    public record Resolved(boolean found, String manifestDigest, List<String> names) {}

    public record ChunksOf(String digest, boolean fetch) {}

    public record Chunks(boolean held, ChunkList list, String problem) {
        public Optional<ChunkList> chunkList() {
            return held ? Optional.of(list) : Optional.empty();
        }
    }

    public record Read(String digest, long offset, int length) {}

    /** At most this much per read: a chunk, never a whole layer in one frame. */
    public static final int MAX_READ = 4 << 20;

    private ImageCalls() {}

    public static byte[] write(Object body) {
        try {
            return AtollJson.internal().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(byte[] body, Class<T> type) throws IOException {
        T value = AtollJson.internal().readValue(body, type);
        if (value == null) throw new IOException("an empty " + type.getSimpleName());
        return value;
    }
}
