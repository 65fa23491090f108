package dev.atoll.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of OCI (and Docker v2) manifests, indexes and configs that Atoll reads. Parsing checks
 * what running an image depends on and names the document ({@code where}) when something is wrong.
 */
final class OciImage {
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private OciImage() {}

    record Descriptor(
            String mediaType,
            String digest,
            long size,
            Map<String, String> annotations,
            String os,
            String architecture) {
        boolean isIndex() {
            return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
        }

        boolean isManifest() {
            return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
        }

        boolean isLinuxAmd64() {
            return "linux".equals(os) && "amd64".equals(architecture);
        }

        String platform() {
            return os == null && architecture == null ? "no platform" : os + "/" + architecture;
        }
    }

    record Manifest(Descriptor config, List<Descriptor> layers) {}

    record Config(ImageConfig config, List<String> diffIds) {}

    /** A manifest and config both read from the store and consistent with each other. */
    record Image(String manifestDigest, long manifestSize, Manifest manifest, Config config) {
        long totalSize() {
            long size = manifestSize + manifest.config().size();
            for (Descriptor layer : manifest.layers()) size += layer.size();
            return size;
        }

        List<String> layerDigests() {
            return manifest.layers().stream().map(Descriptor::digest).toList();
        }
    }

    static Image read(BlobStore blobs, String manifestDigest) throws ImageImportException {
        byte[] manifestBytes = blob(blobs, manifestDigest, "manifest " + manifestDigest);
        Manifest manifest = manifest(manifestBytes, "manifest " + manifestDigest);
        byte[] configBytes = blob(
                blobs, manifest.config().digest(), "config " + manifest.config().digest());
        Config config = config(configBytes, "config " + manifest.config().digest());
        if (config.diffIds().size() != manifest.layers().size()) {
            throw new ImageImportException("config " + manifest.config().digest() + " lists "
                    + config.diffIds().size() + " rootfs.diff_ids but manifest " + manifestDigest + " has "
                    + manifest.layers().size() + " layers");
        }
        return new Image(manifestDigest, manifestBytes.length, manifest, config);
    }

    static byte[] blob(BlobStore blobs, String digest, String what) throws ImageImportException {
        try {
            return blobs.read(digest).orElseThrow(() -> new ImageImportException(what + " is not in the store"));
        } catch (IOException e) {
            throw new ImageImportException("cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    static JsonNode parse(byte[] bytes, String where) throws ImageImportException {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) throw new ImageImportException(where + " is not a JSON object");
            return node;
        } catch (IOException e) {
            throw new ImageImportException(where + " is not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    static Descriptor descriptor(JsonNode node, String where) throws ImageImportException {
        if (node == null || !node.isObject()) throw new ImageImportException(where + " is not a descriptor object");
        String digest = text(node, "digest");
        if (digest == null) throw new ImageImportException(where + " has no digest");
        if (!Digests.isDigest(digest)) {
            throw new ImageImportException(
                    where + " has digest '" + digest + "'; only sha256:<64 lowercase hex> digests are supported");
        }
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong() || size.asLong() < 0) {
            throw new ImageImportException(where + " has no valid size");
        }
        var annotations = new LinkedHashMap<String, String>();
        JsonNode notes = node.get("annotations");
        if (notes != null && notes.isObject()) {
            notes.properties()
                    .forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
        }
        JsonNode platform = node.get("platform");
        String os = platform == null ? null : text(platform, "os");
        String arch = platform == null ? null : text(platform, "architecture");
        return new Descriptor(text(node, "mediaType"), digest, size.asLong(), annotations, os, arch);
    }

    static List<Descriptor> indexEntries(byte[] bytes, String where) throws ImageImportException {
        JsonNode index = parse(bytes, where);
        JsonNode manifests = index.get("manifests");
        if (manifests == null || !manifests.isArray()) throw new ImageImportException(where + " has no manifests list");
        var entries = new ArrayList<Descriptor>();
        for (int i = 0; i < manifests.size(); i++) {
            entries.add(descriptor(manifests.get(i), where + " manifests[" + i + "]"));
        }
        return entries;
    }

    /** The linux/amd64 entry, else the only one. */
    static Descriptor choose(List<Descriptor> entries, String where) throws ImageImportException {
        if (entries.isEmpty()) throw new ImageImportException(where + " lists no manifests");
        Optional<Descriptor> amd64 =
                entries.stream().filter(Descriptor::isLinuxAmd64).findFirst();
        if (amd64.isPresent()) return amd64.get();
        if (entries.size() == 1) return entries.getFirst();
        throw new ImageImportException(where + " lists " + entries.size() + " manifests and none is for linux/amd64 ("
                + String.join(", ", entries.stream().map(Descriptor::platform).toList()) + ")");
    }

    static Manifest manifest(byte[] bytes, String where) throws ImageImportException {
        JsonNode node = parse(bytes, where);
        String mediaType = text(node, "mediaType");
        if (node.has("manifests")) {
            throw new ImageImportException(where + " is an image index, not an image manifest");
        }
        if (mediaType != null && !OCI_MANIFEST.equals(mediaType) && !DOCKER_MANIFEST.equals(mediaType)) {
            throw new ImageImportException(where + " has media type " + mediaType + ", not an image manifest");
        }
        JsonNode schema = node.get("schemaVersion");
        if (schema == null || schema.asInt() != 2) throw new ImageImportException(where + " is not schemaVersion 2");
        Descriptor config = descriptor(node.get("config"), where + " config");
        JsonNode layers = node.get("layers");
        if (layers == null || !layers.isArray()) throw new ImageImportException(where + " has no layers list");
        var list = new ArrayList<Descriptor>();
        for (int i = 0; i < layers.size(); i++) {
            Descriptor layer = descriptor(layers.get(i), where + " layers[" + i + "]");
            if (!isTarLayer(layer.mediaType())) {
                throw new ImageImportException(where + " layers[" + i + "] has media type " + layer.mediaType()
                        + "; only tar and gzip-compressed tar layers are supported");
            }
            list.add(layer);
        }
        return new Manifest(config, list);
    }

    static boolean isTarLayer(String mediaType) {
        if (mediaType == null) return false;
        return mediaType.endsWith(".tar")
                || mediaType.endsWith(".tar+gzip")
                || mediaType.endsWith(".tar.gzip")
                || mediaType.equals("application/vnd.docker.image.rootfs.diff.tar");
    }

    static Config config(byte[] bytes, String where) throws ImageImportException {
        JsonNode node = parse(bytes, where);
        JsonNode rootfs = node.get("rootfs");
        JsonNode diffIds = rootfs == null ? null : rootfs.get("diff_ids");
        if (diffIds == null || !diffIds.isArray()) throw new ImageImportException(where + " has no rootfs.diff_ids");
        var ids = new ArrayList<String>();
        for (int i = 0; i < diffIds.size(); i++) {
            String id = diffIds.get(i).asText();
            if (!Digests.isDigest(id)) {
                throw new ImageImportException(
                        where + " rootfs.diff_ids[" + i + "] '" + id + "' is not a sha256 digest");
            }
            ids.add(id);
        }
        JsonNode c = node.get("config");
        if (c == null || c.isNull()) c = node.get("container_config");
        ImageConfig config = c == null || !c.isObject()
                ? ImageConfig.EMPTY
                : new ImageConfig(
                        strings(c.get("Entrypoint")),
                        strings(c.get("Cmd")),
                        strings(c.get("Env")),
                        text(c, "WorkingDir"),
                        text(c, "User"),
                        labels(c.get("Labels")));
        return new Config(config, ids);
    }

    private static List<String> strings(JsonNode node) {
        if (node == null || !node.isArray()) return List.of();
        var list = new ArrayList<String>();
        node.forEach(n -> list.add(n.asText()));
        return list;
    }

    private static Map<String, String> labels(JsonNode node) {
        var map = new LinkedHashMap<String, String>();
        if (node != null && node.isObject())
            node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String firstLine(String message) {
        if (message == null) return "";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
