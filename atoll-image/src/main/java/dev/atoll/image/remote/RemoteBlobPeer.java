package dev.atoll.image.remote;

import dev.atoll.image.BlobPeer;
import dev.atoll.image.ChunkList;
import java.io.IOException;
import java.util.Optional;

/**
 * Blobs held by another process: another site, or (for a node agent) its own site, which it asks
 * with {@code fetch} so that the site gets a blob it lacks from the other sites first.
 */
public final class RemoteBlobPeer implements BlobPeer {
    private final String name;
    private final Caller caller;
    private final boolean fetch;

    public RemoteBlobPeer(String name, Caller caller, boolean fetch) {
        this.name = name;
        this.caller = caller;
        this.fetch = fetch;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<ChunkList> chunks(String digest) throws IOException {
        var answer = ImageCalls.read(
                caller.call(ImageCalls.CHUNKS, ImageCalls.write(new ImageCalls.ChunksOf(digest, fetch))),
                ImageCalls.Chunks.class);
        if (!answer.held() && answer.problem() != null && !answer.problem().isEmpty()) {
            throw new IOException(name + ": " + answer.problem());
        }
        return answer.chunkList();
    }

    @Override
    public byte[] read(String digest, long offset, int length) throws IOException {
        return caller.call(ImageCalls.READ, ImageCalls.write(new ImageCalls.Read(digest, offset, length)));
    }

    @Override
    public String toString() {
        return name;
    }
}
