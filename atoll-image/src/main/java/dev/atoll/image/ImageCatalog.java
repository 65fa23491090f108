package dev.atoll.image;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.atoll.model.image.ImageRef;
import dev.atoll.model.json.AtollJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Which name:tag points at which manifest, and what every stored image is. Persisted as JSON in
 * {@code <dir>/images.json} (written to a temporary file and moved over it), so it survives
 * restarts. A name:tag points at one image: recording it for another image moves it.
 */
public final class ImageCatalog {
    private static final TypeReference<List<ImageRecord>> RECORDS = new TypeReference<>() {};
    private final Path file;
    private final BlobStore blobs;
    private final Clock clock;
    private final Object lock = new Object();
    private List<ImageRecord> records;

    public ImageCatalog(Path dir, BlobStore blobs) {
        this(dir, blobs, Clock.systemUTC());
    }

    public ImageCatalog(Path dir, BlobStore blobs, Clock clock) {
        this.file = dir.resolve("images.json");
        this.blobs = blobs;
        this.clock = clock;
        try {
            Files.createDirectories(dir);
            records = Files.exists(file)
                    ? new ArrayList<>(AtollJson.json().readValue(file.toFile(), RECORDS))
                    : new ArrayList<>();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image catalog " + file, e);
        }
    }

    public BlobStore blobs() {
        return blobs;
    }

    public List<ImageRecord> list() {
        synchronized (lock) {
            return List.copyOf(records);
        }
    }

    /** By digest if pinned, else by name:tag. */
    public Optional<ImageRecord> resolve(ImageRef ref) {
        synchronized (lock) {
            if (ref.digest().isPresent()) return find(ref.digest().get());
            String nameTag = ref.nameAndTag().orElseThrow();
            return records.stream().filter(r -> r.names().contains(nameTag)).findFirst();
        }
    }

    public Optional<ImageRecord> get(String manifestDigest) {
        synchronized (lock) {
            return find(manifestDigest);
        }
    }

    /**
     * Records the image whose manifest (and config) are in the store, adding {@code names} to it and
     * taking them from any other image. Recording an image again keeps its first import time.
     */
    public ImageRecord record(String manifestDigest, List<String> names) throws ImageImportException {
        if (!Digests.isDigest(manifestDigest)) {
            throw new ImageImportException("'" + manifestDigest + "' is not a manifest digest");
        }
        var normalized = new ArrayList<String>();
        for (String name : names) normalized.add(nameTag(name));
        OciImage.Image image = OciImage.read(blobs, manifestDigest);
        synchronized (lock) {
            Optional<ImageRecord> existing = find(manifestDigest);
            var allNames =
                    new LinkedHashSet<String>(existing.map(ImageRecord::names).orElse(List.of()));
            allNames.addAll(normalized);
            var record = new ImageRecord(
                    manifestDigest,
                    List.copyOf(allNames),
                    image.totalSize(),
                    existing.map(ImageRecord::imported).orElse(clock.instant()),
                    image.manifest().config().digest(),
                    image.layerDigests(),
                    image.config().config());
            var next = new ArrayList<ImageRecord>();
            for (ImageRecord r : records) {
                if (r.manifestDigest().equals(manifestDigest)) {
                    next.add(record);
                    continue;
                }
                var kept = r.names().stream().filter(n -> !allNames.contains(n)).toList();
                next.add(
                        kept.equals(r.names())
                                ? r
                                : new ImageRecord(
                                        r.manifestDigest(),
                                        kept,
                                        r.size(),
                                        r.imported(),
                                        r.configDigest(),
                                        r.layerDigests(),
                                        r.config()));
            }
            if (existing.isEmpty()) next.add(record);
            persist(next);
            records = next;
            return record;
        }
    }

    /** {@code name[:tag]} as {@code name:tag}, or why it is not one. */
    static String nameTag(String text) throws ImageImportException {
        return switch (ImageRef.parse(text)) {
            case ImageRef.Result.Invalid invalid ->
                throw new ImageImportException("'" + text + "' is not an image name: " + invalid.reason());
            case ImageRef.Result.Valid valid -> {
                if (valid.ref().digest().isPresent() || valid.ref().name().isEmpty()) {
                    throw new ImageImportException(
                            "'" + text + "' is not an image name:tag (a digest names content, not a tag)");
                }
                yield valid.ref().nameAndTag().orElseThrow();
            }
        };
    }

    private Optional<ImageRecord> find(String manifestDigest) {
        return records.stream()
                .filter(r -> r.manifestDigest().equals(manifestDigest))
                .findFirst();
    }

    private void persist(List<ImageRecord> next) throws ImageImportException {
        try {
            Path temp = Files.createTempFile(file.getParent(), "images-", ".json");
            try {
                AtollJson.json().writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), next);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new ImageImportException("cannot write the image catalog " + file + ": " + e.getMessage(), e);
        }
    }
}
