package dev.atoll.image;

import java.time.Duration;
import java.util.Map;

/**
 * What one blob fetch did: {@code chunks} is the blob's number of chunks; {@code chunksByPeer}
 * counts the verified chunks each peer delivered this time (chunks kept from an interrupted fetch
 * are not fetched again, so the sum can be smaller); {@code chunksRefetched} counts chunks that
 * arrived corrupt or were lost with a failing peer and were asked for again. A blob that was
 * already in the store reports zero chunks.
 */
public record FetchReport(
        String digest, long bytes, int chunks, int chunksRefetched, Map<String, Integer> chunksByPeer, Duration took) {
    public FetchReport {
        chunksByPeer = Map.copyOf(chunksByPeer);
    }

    public int chunksFetched() {
        return chunksByPeer.values().stream().mapToInt(Integer::intValue).sum();
    }
}
