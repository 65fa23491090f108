package dev.atoll.image;

import dev.atoll.model.image.ImageRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A node's image cache. {@link #prepare} takes a pinned reference ({@code name@sha256:...}) or a
 * bare digest (the home pins references at deploy, so a node never resolves tags), fetches the
 * image from the peers if this node lacks it, and unpacks it once into {@code <dir>/rootfs/<hex>}:
 * into a temporary directory first, renamed into place when complete, so a rootfs that exists is
 * whole. Concurrent prepares of one image wait for a single unpack.
 *
 * <p>Layout: {@code blobs/} (a {@link BlobStore}), {@code catalog/}, {@code partial/} (interrupted
 * fetches), {@code rootfs/}.
 */
public final class NodeImageCache implements ImageSupply {
    private final Path rootfsDir;
    private final Supplier<List<BlobPeer>> peers;
    private final BlobStore blobs;
    private final ImageCatalog catalog;
    private final ImageFetcher fetcher;
    private final ConcurrentMap<String, ReentrantLock> preparing = new ConcurrentHashMap<>();
    private final AtomicInteger unpacks = new AtomicInteger();

    public NodeImageCache(Path dir, Supplier<List<BlobPeer>> peers) {
        this.peers = peers;
        this.blobs = new BlobStore(dir.resolve("blobs"));
        this.catalog = new ImageCatalog(dir.resolve("catalog"), blobs);
        this.fetcher = new ImageFetcher(blobs, catalog, new BlobFetcher(blobs, dir.resolve("partial")));
        this.rootfsDir = dir.resolve("rootfs");
        try {
            Files.createDirectories(rootfsDir);
            removeUnfinishedUnpacks();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + rootfsDir + " for root filesystems", e);
        }
    }

    public BlobStore blobs() {
        return blobs;
    }

    public ImageCatalog catalog() {
        return catalog;
    }

    /** How many times this cache has unpacked an image since it was made. */
    public int unpacks() {
        return unpacks.get();
    }

    @Override
    public PreparedImage prepare(String imageRef) throws ImageUnavailableException {
        String digest = pinnedDigest(imageRef);
        ReentrantLock lock = preparing.computeIfAbsent(digest, d -> new ReentrantLock());
        lock.lock();
        try {
            ImageRecord record = fetcher.fetch(digest, peers.get());
            Path rootfs = rootfsDir.resolve(Digests.hex(digest));
            if (!Files.isDirectory(rootfs)) unpack(record, rootfs);
            return new PreparedImage(digest, rootfs, record.config());
        } finally {
            lock.unlock();
        }
    }

    private static String pinnedDigest(String imageRef) throws ImageUnavailableException {
        return switch (ImageRef.parse(imageRef)) {
            case ImageRef.Result.Invalid invalid ->
                throw new ImageUnavailableException(
                        "'" + imageRef + "' is not an image reference: " + invalid.reason());
            case ImageRef.Result.Valid valid ->
                valid.ref()
                        .digest()
                        .orElseThrow(() -> new ImageUnavailableException("image " + imageRef
                                + " is not pinned to a digest; a node runs images by digest (name@sha256:...)"));
        };
    }

    private void unpack(ImageRecord record, Path rootfs) throws ImageUnavailableException {
        String digest = record.manifestDigest();
        Path temp = rootfsDir.resolve(".unpacking-" + Digests.hex(digest));
        try {
            deleteTree(temp);
            OciImage.Image image = OciImage.read(blobs, digest);
            List<Path> layers = image.layerDigests().stream().map(blobs::path).toList();
            LayerUnpacker.unpack(layers, image.config().diffIds(), temp);
            Files.move(temp, rootfs, StandardCopyOption.ATOMIC_MOVE);
            unpacks.incrementAndGet();
        } catch (ImageImportException e) {
            cleanUp(temp);
            throw new ImageUnavailableException("image " + digest + " cannot be unpacked: " + e.getMessage(), e);
        } catch (IOException e) {
            cleanUp(temp);
            throw new ImageUnavailableException("image " + digest + " cannot be unpacked: " + e.getMessage(), e);
        }
    }

    private void removeUnfinishedUnpacks() throws IOException {
        try (var dirs = Files.list(rootfsDir)) {
            for (Path p : dirs.toList()) {
                if (p.getFileName().toString().startsWith(".unpacking-")) deleteTree(p);
            }
        }
    }

    private static void cleanUp(Path temp) {
        try {
            deleteTree(temp);
        } catch (IOException ignored) {
            // the next prepare or restart removes it
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        // Unpacked images may hold read-only directories: open them up (parents first) before emptying.
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setAttribute(p, "unix:mode", 0700, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
