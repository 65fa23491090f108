package dev.atoll.model.view;

import java.time.Instant;
import java.util.List;

/**
 * An image as the API and CLI show it: its names ({@code name:tag}), the digest of its manifest,
 * the bytes of all its blobs, when the answering site got it, and the reachable sites that hold it.
 */
public record ImageView(List<String> names, String digest, long size, Instant imported, List<String> sites) {
    public ImageView {
        names = List.copyOf(names);
        sites = List.copyOf(sites);
    }
}
