package dev.atoll.image;

import java.util.List;

/**
 * Pulls a whole image (manifest, then config, then layers) by manifest digest from peers into a
 * store and records it in the catalog. Blobs the store already has are not fetched; each blob is
 * fetched and verified by {@link BlobFetcher}.
 */
public final class ImageFetcher {
    private final BlobStore blobs;
    private final ImageCatalog catalog;
    private final BlobFetcher fetcher;

    public ImageFetcher(BlobStore blobs, ImageCatalog catalog, BlobFetcher fetcher) {
        this.blobs = blobs;
        this.catalog = catalog;
        this.fetcher = fetcher;
    }

    public ImageRecord fetch(String manifestDigest, List<BlobPeer> peers) throws ImageUnavailableException {
        if (!Digests.isDigest(manifestDigest)) {
            throw new ImageUnavailableException(
                    "'" + manifestDigest + "' is not an image digest: expected sha256: and 64 lowercase hex digits");
        }
        var known = catalog.get(manifestDigest);
        if (known.isPresent() && known.get().layerDigests().stream().allMatch(blobs::has)) return known.get();
        try {
            fetcher.fetch(manifestDigest, peers);
        } catch (BlobNotHeldException e) {
            throw new ImageUnavailableException(
                    "image " + manifestDigest + e.getMessage().substring(("blob " + manifestDigest).length()), e);
        }
        try {
            OciImage.Manifest manifest = OciImage.manifest(
                    OciImage.blob(blobs, manifestDigest, "manifest " + manifestDigest), "manifest " + manifestDigest);
            fetchPart(manifestDigest, manifest.config().digest(), "its config", peers);
            for (int i = 0; i < manifest.layers().size(); i++) {
                fetchPart(manifestDigest, manifest.layers().get(i).digest(), "layer " + (i + 1), peers);
            }
            return catalog.record(manifestDigest, List.of());
        } catch (ImageImportException e) {
            throw new ImageUnavailableException("image " + manifestDigest + " is malformed: " + e.getMessage(), e);
        }
    }

    private void fetchPart(String manifestDigest, String digest, String part, List<BlobPeer> peers)
            throws ImageUnavailableException {
        try {
            fetcher.fetch(digest, peers);
        } catch (ImageUnavailableException e) {
            throw new ImageUnavailableException("image " + manifestDigest + ", " + part + ": " + e.getMessage(), e);
        }
    }
}
