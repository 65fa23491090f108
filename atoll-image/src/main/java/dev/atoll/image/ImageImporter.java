package dev.atoll.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Imports an image from an OCI image layout (a directory, or a tar of one, as {@code skopeo copy
 * oci:} / {@code oci-archive:} writes) or a {@code docker save} tarball into a store, and records
 * it in the catalog.
 *
 * <p>The archive is read once: files under {@code blobs/sha256/} go straight into the store, each
 * verified against the digest its name claims; other large files (the layer tars of docker-save)
 * are stored by their content; small files (index.json, manifest.json, configs) are kept in memory.
 * Then the layout is checked from index to manifest to config and layers, and only a complete,
 * consistent image is recorded. Blobs of a rejected archive may stay in the store (they are
 * content-addressed and harmless) but the catalog never names them.
 */
public final class ImageImporter {
    private static final int SMALL_FILE = 4 * 1024 * 1024;
    private static final int MAX_LINK_HOPS = 16;
    private final BlobStore blobs;
    private final ImageCatalog catalog;

    public ImageImporter(BlobStore blobs, ImageCatalog catalog) {
        this.blobs = blobs;
        this.catalog = catalog;
    }

    /**
     * @param name {@code name[:tag]} to give the image instead of the names the archive carries
     */
    public ImageRecord importArchive(Path file, Optional<String> name) throws ImageImportException {
        return importArchive(file, name, n -> n);
    }

    /** How a name given or carried by an archive is stored; may refuse it. */
    @FunctionalInterface
    public interface Naming {
        /** {@code nameTag} (name:tag) as the catalog keeps it. */
        String stored(String nameTag) throws ImageImportException;
    }

    /**
     * Like {@link #importArchive(Path, Optional)}, with every name (given or the archive's) passed
     * through {@code naming} before it is recorded: how a tenant's images get names of their own.
     */
    public ImageRecord importArchive(Path file, Optional<String> name, Naming naming) throws ImageImportException {
        String source = file.getFileName() == null
                ? file.toString()
                : file.getFileName().toString();
        Optional<String> given = name.isPresent() ? Optional.of(ImageCatalog.nameTag(name.get())) : Optional.empty();
        Staged staged = new Staged(source, blobs);
        try {
            if (Files.isDirectory(file)) {
                stageDirectory(file, staged);
            } else if (Files.isRegularFile(file)) {
                stageTar(file, staged);
            } else {
                throw new ImageImportException(file + " does not exist");
            }
        } catch (NoSuchFileException e) {
            throw new ImageImportException(file + " does not exist", e);
        } catch (IOException e) {
            throw new ImageImportException("cannot read " + source + ": " + e.getMessage(), e);
        }
        Imported imported;
        if (staged.has("index.json")) {
            imported = importOciLayout(staged);
        } else if (staged.has("manifest.json")) {
            imported = importDockerSave(staged);
        } else {
            throw new ImageImportException(source + " is neither an OCI image layout (it has no index.json) nor a"
                    + " docker save archive (it has no manifest.json)");
        }
        List<String> names = new ArrayList<>();
        for (String n : given.map(List::of).orElse(imported.names())) names.add(naming.stored(ImageCatalog.nameTag(n)));
        return catalog.record(imported.manifestDigest(), names);
    }

    private record Imported(String manifestDigest, List<String> names) {}

    // --- OCI image layout ---

    private Imported importOciLayout(Staged staged) throws ImageImportException {
        String source = staged.source;
        if (staged.has("oci-layout")) {
            JsonNode layout = OciImage.parse(staged.bytes("oci-layout").orElseThrow(), "oci-layout in " + source);
            if (!layout.has("imageLayoutVersion")) {
                throw new ImageImportException("oci-layout in " + source + " has no imageLayoutVersion");
            }
        }
        byte[] indexBytes = staged.bytes("index.json").orElseThrow();
        OciImage.Descriptor top = OciImage.choose(
                OciImage.indexEntries(indexBytes, "index.json in " + source), "index.json in " + source);
        var names = new LinkedHashSet<String>(namesOf(top));
        OciImage.Descriptor chosen = top;
        for (int depth = 0; chosen.isIndex(); depth++) {
            if (depth > 4) throw new ImageImportException("index.json in " + source + " nests indexes too deeply");
            String where = blobPath(chosen.digest()) + " (an image index) in " + source;
            byte[] nested = blobFromArchive(staged, chosen, where);
            chosen = OciImage.choose(OciImage.indexEntries(nested, where), where);
            names.addAll(namesOf(chosen));
        }
        String manifestWhere = blobPath(chosen.digest()) + " (the image manifest) in " + source;
        byte[] manifestBytes = blobFromArchive(staged, chosen, manifestWhere);
        OciImage.Manifest manifest = OciImage.manifest(manifestBytes, manifestWhere);
        String configWhere = blobPath(manifest.config().digest()) + " (the image config) in " + source;
        byte[] configBytes = blobFromArchive(staged, manifest.config(), configWhere);
        OciImage.Config config = OciImage.config(configBytes, configWhere);
        for (int i = 0; i < manifest.layers().size(); i++) {
            OciImage.Descriptor layer = manifest.layers().get(i);
            blobFromArchive(staged, layer, blobPath(layer.digest()) + " (layer " + (i + 1) + ") in " + source, false);
        }
        if (config.diffIds().size() != manifest.layers().size()) {
            throw new ImageImportException(
                    configWhere + " lists " + config.diffIds().size() + " rootfs.diff_ids but the manifest has "
                            + manifest.layers().size() + " layers");
        }
        if (names.isEmpty()) names.addAll(staged.dockerRepoTags());
        return new Imported(chosen.digest(), List.copyOf(names));
    }

    private static String blobPath(String digest) {
        return "blobs/sha256/" + Digests.hex(digest);
    }

    private byte[] blobFromArchive(Staged staged, OciImage.Descriptor d, String where) throws ImageImportException {
        return blobFromArchive(staged, d, where, true);
    }

    /** A blob the layout names: it must be in the archive (verified on the way in) with the size it says. */
    private byte[] blobFromArchive(Staged staged, OciImage.Descriptor d, String where, boolean read)
            throws ImageImportException {
        if (!staged.archiveBlobs.contains(d.digest())) {
            throw new ImageImportException(where + " is missing from the archive");
        }
        try {
            long size = blobs.size(d.digest());
            if (size != d.size()) {
                throw new ImageImportException(where + " is " + size + " bytes but its descriptor says " + d.size());
            }
            return read ? blobs.readAll(d.digest()) : null;
        } catch (IOException e) {
            throw new ImageImportException("cannot read " + where + ": " + e.getMessage(), e);
        }
    }

    private static List<String> namesOf(OciImage.Descriptor d) {
        var names = new ArrayList<String>();
        String containerd = d.annotations().get("io.containerd.image.name");
        if (containerd != null) normalizedName(containerd).ifPresent(names::add);
        String ref = d.annotations().get("org.opencontainers.image.ref.name");
        // A bare ref.name ("latest", "1.36") is only a tag: it names nothing without a repository.
        if (ref != null && names.isEmpty() && (ref.contains(":") || ref.contains("/"))) {
            normalizedName(ref).ifPresent(names::add);
        }
        return names;
    }

    /** Names from archives as Atoll shows them: Docker Hub's implicit prefixes dropped. */
    private static Optional<String> normalizedName(String name) {
        String n = name;
        if (n.startsWith("docker.io/library/")) n = n.substring("docker.io/library/".length());
        else if (n.startsWith("docker.io/")) n = n.substring("docker.io/".length());
        try {
            return Optional.of(ImageCatalog.nameTag(n));
        } catch (ImageImportException e) {
            return Optional.empty(); // an odd name in an archive is not worth refusing the image for
        }
    }

    // --- docker save ---

    private Imported importDockerSave(Staged staged) throws ImageImportException {
        String where = "manifest.json in " + staged.source;
        JsonNode root;
        try {
            root = OciImage.JSON.readTree(staged.bytes("manifest.json").orElseThrow());
        } catch (IOException e) {
            throw new ImageImportException(where + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) throw new ImageImportException(where + " is not a JSON list of images");
        if (root.size() != 1) {
            throw new ImageImportException(where + " lists " + root.size() + " images; import one image at a time");
        }
        JsonNode entry = root.get(0);
        String configPath = OciImage.text(entry, "Config");
        if (configPath == null) throw new ImageImportException(where + " names no Config");
        JsonNode layerPaths = entry.get("Layers");
        if (layerPaths == null || !layerPaths.isArray()) throw new ImageImportException(where + " has no Layers list");

        byte[] configBytes = staged.bytes(configPath)
                .orElseThrow(() -> new ImageImportException(
                        where + " names config " + configPath + ", which is not in the archive"));
        String configWhere = configPath + " in " + staged.source;
        String configDigest = Digests.of(configBytes);
        String configName = Path.of(configPath).getFileName().toString().replaceFirst("\\.json$", "");
        if (Digests.isHex(configName) && !configDigest.equals(Digests.PREFIX + configName)) {
            throw new ImageImportException(configWhere + " has digest " + configDigest + ", not the one its name says");
        }
        OciImage.Config config = OciImage.config(configBytes, configWhere);
        if (config.diffIds().size() != layerPaths.size()) {
            throw new ImageImportException(
                    configWhere + " lists " + config.diffIds().size() + " rootfs.diff_ids but " + where + " names "
                            + layerPaths.size() + " layers");
        }
        ObjectNode manifest = OciImage.JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OciImage.OCI_MANIFEST);
        try {
            putBlob(configBytes);
            manifest.set("config", descriptor(OciImage.OCI_CONFIG, configDigest, configBytes.length));
            ArrayNode layers = manifest.putArray("layers");
            for (int i = 0; i < layerPaths.size(); i++) {
                String layerPath = layerPaths.get(i).asText();
                String layerWhere = layerPath + " (layer " + (i + 1) + ") in " + staged.source;
                String digest = staged.stored(layerPath)
                        .orElseThrow(() -> new ImageImportException(
                                where + " names layer " + layerPath + ", which is not in the archive"));
                boolean gzip = isGzip(digest);
                if (!gzip && !digest.equals(config.diffIds().get(i))) {
                    throw new ImageImportException(
                            layerWhere + " has digest " + digest + " but " + configWhere + " says rootfs.diff_ids[" + i
                                    + "] is " + config.diffIds().get(i));
                }
                layers.add(descriptor(
                        gzip ? OciImage.OCI_LAYER_GZIP : OciImage.OCI_LAYER_TAR, digest, blobs.size(digest)));
            }
            String manifestDigest = putBlob(OciImage.JSON.writeValueAsBytes(manifest));
            var names = new ArrayList<String>();
            JsonNode tags = entry.get("RepoTags");
            if (tags != null && tags.isArray())
                tags.forEach(t -> normalizedName(t.asText()).ifPresent(names::add));
            return new Imported(manifestDigest, names);
        } catch (IOException e) {
            throw new ImageImportException("cannot store the image from " + staged.source + ": " + e.getMessage(), e);
        }
    }

    private String putBlob(byte[] bytes) throws IOException {
        return blobs.put(bytes);
    }

    private boolean isGzip(String digest) throws IOException {
        try (InputStream in = blobs.open(digest, 0)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        ObjectNode d = OciImage.JSON.createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    // --- reading the archive ---

    /** What the archive holds, read once. Paths are relative, with '/' separators, no "./". */
    private static final class Staged {
        final String source;
        final Map<String, byte[]> small = new HashMap<>();
        final Map<String, String> stored = new HashMap<>();
        final Map<String, String> links = new HashMap<>();
        final Set<String> archiveBlobs = new HashSet<>();

        final BlobStore store;

        Staged(String source, BlobStore store) {
            this.source = source;
            this.store = store;
        }

        boolean has(String path) {
            String p = follow(path);
            return p != null && (small.containsKey(p) || stored.containsKey(p));
        }

        Optional<byte[]> bytes(String path) throws ImageImportException {
            String p = follow(path);
            if (p == null) return Optional.empty();
            if (small.containsKey(p)) return Optional.of(small.get(p));
            return stored.containsKey(p) ? Optional.of(OciImage.blob(store, stored.get(p), p)) : Optional.empty();
        }

        /** The digest of a file, putting a small one into the store first. */
        Optional<String> stored(String path) throws IOException {
            String p = follow(path);
            if (p == null) return Optional.empty();
            if (stored.containsKey(p)) return Optional.of(stored.get(p));
            if (small.containsKey(p)) {
                String digest = store.put(small.get(p));
                stored.put(p, digest);
                return Optional.of(digest);
            }
            return Optional.empty();
        }

        List<String> dockerRepoTags() {
            byte[] manifest = small.get("manifest.json");
            if (manifest == null) return List.of();
            try {
                JsonNode root = OciImage.JSON.readTree(manifest);
                var names = new ArrayList<String>();
                if (root != null
                        && root.isArray()
                        && root.size() == 1
                        && root.get(0).has("RepoTags")) {
                    root.get(0).get("RepoTags").forEach(t -> normalizedName(t.asText())
                            .ifPresent(names::add));
                }
                return names;
            } catch (IOException e) {
                return List.of();
            }
        }

        private String follow(String path) {
            String p = normalize(path);
            for (int hops = 0; p != null && links.containsKey(p); hops++) {
                if (hops >= MAX_LINK_HOPS) return null;
                p = links.get(p);
            }
            return p;
        }
    }

    private void stageTar(Path file, Staged staged) throws IOException, ImageImportException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            InputStream in = raw;
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            if (gzip) in = new GzipCompressorInputStream(raw);
            int entries = 0;
            try (var tar = new TarArchiveInputStream(in)) {
                TarArchiveEntry entry;
                while ((entry = nextEntry(tar, staged)) != null) {
                    entries++;
                    String path = normalize(entry.getName());
                    if (path == null) {
                        throw new ImageImportException(
                                "entry '" + entry.getName() + "' in " + staged.source + " escapes the archive");
                    }
                    if (entry.isSymbolicLink() || entry.isLink()) {
                        String target = entry.isLink()
                                ? normalize(entry.getLinkName())
                                : normalize(parentOf(path) + entry.getLinkName());
                        if (target != null) staged.links.put(path, target);
                    } else if (entry.isFile()) {
                        stageFile(path, entry.getSize(), tar, staged);
                    }
                }
            } catch (IOException e) {
                throw new ImageImportException(
                        staged.source + " is not a readable tar archive (" + e.getMessage()
                                + (entries > 0 ? ", after " + entries + " entries" : "") + ")",
                        e);
            }
            if (entries == 0)
                throw new ImageImportException(staged.source + " is not a tar archive (no entries found)");
        }
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, Staged staged) throws IOException {
        try {
            return tar.getNextEntry();
        } catch (IllegalArgumentException e) {
            throw new IOException("a tar header is malformed: " + e.getMessage(), e);
        }
    }

    private void stageDirectory(Path dir, Staged staged) throws IOException, ImageImportException {
        try (var files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!Files.isRegularFile(p)) continue;
                String path = dir.relativize(p).toString().replace('\\', '/');
                try (InputStream in = Files.newInputStream(p)) {
                    stageFile(path, Files.size(p), in, staged);
                }
            }
        }
    }

    private void stageFile(String path, long size, InputStream in, Staged staged)
            throws IOException, ImageImportException {
        if (path.startsWith("blobs/")) {
            String[] parts = path.split("/");
            if (parts.length != 3 || !parts[1].equals("sha256") || !Digests.isHex(parts[2])) {
                if (parts.length == 3 && !parts[1].equals("sha256")) {
                    throw new ImageImportException(path + " in " + staged.source + " uses digest algorithm " + parts[1]
                            + "; only sha256 is supported");
                }
                return; // not a blob (e.g. a stray file); the layout check reports what is missing
            }
            String digest = Digests.PREFIX + parts[2];
            try {
                blobs.putVerified(digest, in);
            } catch (BlobCorruptException e) {
                throw new ImageImportException(path + " in " + staged.source + " is corrupt: its content has digest "
                        + e.actual() + ", not the one its name says");
            }
            staged.stored.put(path, digest);
            staged.archiveBlobs.add(digest);
        } else if (size <= SMALL_FILE && !path.endsWith(".tar")) {
            staged.small.put(path, in.readAllBytes());
        } else {
            staged.stored.put(path, blobs.put(in));
        }
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash + 1);
    }

    /** A path inside the archive without "./", "//" or ".."; null when it climbs out. */
    static String normalize(String name) {
        var parts = new ArrayList<String>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (parts.isEmpty()) return null;
                parts.removeLast();
            } else {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }
}
