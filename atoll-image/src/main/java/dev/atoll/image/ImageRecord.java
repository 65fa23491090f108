package dev.atoll.image;

import java.time.Instant;
import java.util.List;

/**
 * A stored image: its manifest digest (what runs), the {@code name:tag}s pointing at it, the size of
 * all its blobs (manifest, config, layers as stored), when it was first recorded here, and what its
 * manifest and config say.
 */
public record ImageRecord(
        String manifestDigest,
        List<String> names,
        long size,
        Instant imported,
        String configDigest,
        List<String> layerDigests,
        ImageConfig config) {
    public ImageRecord {
        names = List.copyOf(names);
        layerDigests = List.copyOf(layerDigests);
        config = config == null ? ImageConfig.EMPTY : config;
    }
}
