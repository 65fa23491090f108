package dev.atoll.image;

import java.io.IOException;
import java.util.Optional;

/**
 * Something that holds blobs and serves them in chunks: the local store, another site over the
 * wire, the site controller for an agent.
 */
public interface BlobPeer {
    /** For reports and errors. */
    String name();

    /** The blob's chunk list, or empty when this peer does not hold it. */
    Optional<ChunkList> chunks(String digest) throws IOException;

    /** {@code length} bytes from {@code offset} (fewer only at the end of the blob). */
    byte[] read(String digest, long offset, int length) throws IOException;
}
