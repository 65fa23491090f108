package dev.atoll.control.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atoll.image.BlobFetcher;
import dev.atoll.image.BlobPeer;
import dev.atoll.image.BlobStore;
import dev.atoll.image.ImageCatalog;
import dev.atoll.image.ImageFetcher;
import dev.atoll.image.ImageImportException;
import dev.atoll.image.ImageImporter;
import dev.atoll.image.ImageRecord;
import dev.atoll.image.ImageUnavailableException;
import dev.atoll.image.LocalBlobPeer;
import dev.atoll.image.remote.Caller;
import dev.atoll.image.remote.ImageCalls;
import dev.atoll.image.remote.RemoteBlobPeer;
import dev.atoll.model.image.ImageRef;
import dev.atoll.model.view.ImageView;
import dev.atoll.wire.Failures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images of one site: what was imported here, what this site fetched from others, and how to
 * get what it lacks. Images are not in the site's Raft log (they are big); each site keeps its own
 * copies, and a site that lacks one fetches it by digest from the nearest sites holding it.
 */
public final class SiteImages {
    private static final Logger LOG = LoggerFactory.getLogger(SiteImages.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Another site this one can ask, nearest first. */
    public record OtherSite(String name, Caller caller) {
        /**
         * A site reached by {@code call} (a wire call, or an in-process handler), waiting at most
         * {@code timeout} for each answer; any failure is an IOException naming the site.
         */
        public static OtherSite calling(
                String name, Duration timeout, BiFunction<String, byte[], CompletableFuture<byte[]>> call) {
            return new OtherSite(name, (method, body) -> {
                try {
                    return call.apply(method, body).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while calling site " + name, e);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IOException(
                            "site " + name + ": " + Failures.rootCause(e).getMessage(), e);
                }
            });
        }
    }

    private final String site;
    private final BlobStore blobs;
    private final ImageCatalog catalog;
    private final ImageImporter importer;
    private final BlobFetcher fetcher;
    private final ImageFetcher images;
    private final LocalBlobPeer self;
    private final Supplier<List<OtherSite>> others;
    private final ConcurrentHashMap<String, CompletableFuture<Void>> fetching = new ConcurrentHashMap<>();

    public SiteImages(String site, Path dir, Supplier<List<OtherSite>> others) {
        this.site = site;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the image store " + dir, e);
        }
        this.blobs = new BlobStore(dir.resolve("blobs"));
        this.catalog = new ImageCatalog(dir, blobs);
        this.importer = new ImageImporter(blobs, catalog);
        this.fetcher = new BlobFetcher(blobs, dir.resolve("partial"));
        this.images = new ImageFetcher(blobs, catalog, fetcher);
        this.self = new LocalBlobPeer(site, blobs);
        this.others = others;
    }

    public String site() {
        return site;
    }

    public ImageRecord importArchive(Path archive, Optional<String> name) throws ImageImportException {
        return importArchive(archive, name, n -> n);
    }

    /** Imports with every name passed through {@code naming} (a tenant's namespace). */
    public ImageRecord importArchive(Path archive, Optional<String> name, dev.atoll.image.ImageImporter.Naming naming)
            throws ImageImportException {
        ImageRecord record = importer.importArchive(archive, name, naming);
        LOG.info("site {}: imported image {} {}", site, record.names(), record.manifestDigest());
        return record;
    }

    public List<ImageRecord> list() {
        return catalog.list();
    }

    /** What this site holds, as the {@link ImageCalls#LIST} call answers. */
    public ImageCalls.Listed held() {
        return new ImageCalls.Listed(catalog.list().stream()
                .map(r -> new ImageCalls.Held(r.names(), r.manifestDigest(), r.size(), r.imported()))
                .toList());
    }

    /** Every image held by this site or another reachable one, with the sites holding it. */
    public List<ImageView> everywhere() {
        var byDigest = new java.util.LinkedHashMap<String, ImageView>();
        java.util.function.BiConsumer<String, ImageCalls.Held> add = (where, held) -> byDigest.merge(
                held.digest(),
                new ImageView(held.names(), held.digest(), held.size(), held.imported(), List.of(where)),
                (a, b) -> new ImageView(
                        java.util.stream.Stream.concat(a.names().stream(), b.names().stream())
                                .distinct()
                                .sorted()
                                .toList(),
                        a.digest(),
                        a.size(),
                        a.imported(),
                        java.util.stream.Stream.concat(a.sites().stream(), b.sites().stream())
                                .distinct()
                                .toList()));
        held().images().forEach(h -> add.accept(site, h));
        for (OtherSite other : others.get()) heldAt(other).forEach(h -> add.accept(other.name(), h));
        return List.copyOf(byDigest.values());
    }

    /** What {@code other} says it holds; nothing when it does not answer. */
    private List<ImageCalls.Held> heldAt(OtherSite other) {
        try {
            return ImageCalls.read(other.caller().call(ImageCalls.LIST, new byte[0]), ImageCalls.Listed.class)
                    .images();
        } catch (IOException e) {
            LOG.debug("site {}: {} did not list its images: {}", site, other.name(), e.toString());
            return List.of();
        }
    }

    /** What this site alone says {@code ref} is. */
    public Optional<ImageRecord> resolveHere(ImageRef ref) {
        return catalog.resolve(ref);
    }

    /**
     * {@code ref} pinned to the manifest it names here or, failing that, at the nearest site that
     * knows it. Empty when no reachable site does.
     */
    public Optional<String> pin(ImageRef ref) {
        Optional<ImageRecord> here = catalog.resolve(ref);
        if (here.isPresent())
            return Optional.of(ref.pinned(here.get().manifestDigest()).toString());
        for (OtherSite other : others.get()) {
            try {
                var answer = ImageCalls.read(
                        other.caller()
                                .call(ImageCalls.RESOLVE, ImageCalls.write(new ImageCalls.Resolve(ref.toString()))),
                        ImageCalls.Resolved.class);
                if (answer.found())
                    return Optional.of(ref.pinned(answer.manifestDigest()).toString());
            } catch (IOException e) {
                LOG.debug("site {}: {} could not resolve {}: {}", site, other.name(), ref, e.toString());
            }
        }
        return Optional.empty();
    }

    /** The chunks of a blob this site holds; with {@code fetch}, after getting it from other sites. */
    public ImageCalls.Chunks chunks(String digest, boolean fetch) {
        try {
            if (!blobs.has(digest) && fetch) ensure(digest);
            var list = self.chunks(digest);
            return new ImageCalls.Chunks(list.isPresent(), list.orElse(null), "");
        } catch (ImageUnavailableException e) {
            return new ImageCalls.Chunks(false, null, e.getMessage());
        } catch (IOException e) {
            return new ImageCalls.Chunks(false, null, "site " + site + " cannot read blob " + digest + ": " + e);
        }
    }

    public byte[] read(String digest, long offset, int length) throws IOException {
        if (length < 0 || length > ImageCalls.MAX_READ) {
            throw new IOException("a read of " + length + " bytes; at most " + ImageCalls.MAX_READ);
        }
        return self.read(digest, offset, length);
    }

    /** The sites to fetch from, nearest first, as blob peers. */
    public List<BlobPeer> otherPeers() {
        List<BlobPeer> peers = new ArrayList<>();
        for (OtherSite other : others.get()) peers.add(new RemoteBlobPeer(other.name(), other.caller(), false));
        return peers;
    }

    /**
     * Gets {@code digest} from other sites, once however many ask at the same time. A manifest
     * brings its whole image (config and layers), which the catalog then lists: the site caches it.
     */
    private void ensure(String digest) throws ImageUnavailableException {
        var mine = new CompletableFuture<Void>();
        var running = fetching.putIfAbsent(digest, mine);
        if (running != null) {
            await(running);
            return;
        }
        try {
            List<BlobPeer> peers = otherPeers();
            fetcher.fetch(digest, peers);
            if (isManifest(digest)) {
                images.fetch(digest, peers);
                learnNames(digest);
            }
            mine.complete(null);
        } catch (ImageUnavailableException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            fetching.remove(digest, mine);
        }
    }

    /**
     * Takes the names other sites give an image this site just fetched, so that a deploy naming it
     * still resolves here once the site that imported it is gone.
     */
    private void learnNames(String manifestDigest) {
        var names = new java.util.LinkedHashSet<String>();
        for (OtherSite other : others.get()) {
            heldAt(other).stream()
                    .filter(h -> h.digest().equals(manifestDigest))
                    .forEach(h -> names.addAll(h.names()));
        }
        if (names.isEmpty()) return;
        try {
            catalog.record(manifestDigest, List.copyOf(names));
        } catch (ImageImportException e) {
            LOG.warn("site {}: cannot name image {}: {}", site, manifestDigest, e.getMessage());
        }
    }

    private boolean isManifest(String digest) {
        try (InputStream in = blobs.open(digest, 0)) {
            JsonNode node = JSON.readTree(in);
            return node != null && node.has("layers") && node.has("config");
        } catch (IOException | RuntimeException e) {
            return false; // a layer: not JSON at all
        }
    }

    private static void await(CompletableFuture<Void> running) throws ImageUnavailableException {
        try {
            running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageUnavailableException("interrupted while fetching an image");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ImageUnavailableException u) throw u;
            throw new ImageUnavailableException("fetching an image failed: " + e.getCause(), e.getCause());
        }
    }
}
