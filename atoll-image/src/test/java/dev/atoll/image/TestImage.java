package dev.atoll.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small image built in the test: layers (plain or gzip tars), a config with diff_ids and a
 * manifest, written out as an OCI layout (tar or directory) or a docker-save tarball.
 */
final class TestImage {
    final List<byte[]> layerBlobs = new ArrayList<>();
    final List<String> diffIds = new ArrayList<>();
    final byte[] config;
    final byte[] manifest;

    private TestImage(List<Tars> layers, boolean gzip, List<String> entrypoint, List<String> cmd) {
        var layerDescriptors = OciImage.JSON.createArrayNode();
        for (Tars layer : layers) {
            byte[] plain = layer.bytes();
            byte[] blob = gzip ? layer.gzip() : plain;
            diffIds.add(Digests.of(plain));
            layerBlobs.add(blob);
            layerDescriptors.add(
                    descriptor(gzip ? OciImage.OCI_LAYER_GZIP : OciImage.OCI_LAYER_TAR, Digests.of(blob), blob.length));
        }
        ObjectNode cfg = OciImage.JSON.createObjectNode();
        cfg.put("architecture", "amd64");
        cfg.put("os", "linux");
        ObjectNode run = cfg.putObject("config");
        entrypoint.forEach(run.putArray("Entrypoint")::add);
        cmd.forEach(run.putArray("Cmd")::add);
        run.putArray("Env").add("PATH=/bin");
        run.put("WorkingDir", "/");
        run.putObject("Labels").put("made-by", "test");
        ObjectNode rootfs = cfg.putObject("rootfs");
        rootfs.put("type", "layers");
        diffIds.forEach(rootfs.putArray("diff_ids")::add);
        config = json(cfg);
        ObjectNode m = OciImage.JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", OciImage.OCI_MANIFEST);
        m.set("config", descriptor(OciImage.OCI_CONFIG, Digests.of(config), config.length));
        m.set("layers", layerDescriptors);
        manifest = json(m);
    }

    static TestImage of(Tars... layers) {
        return new TestImage(List.of(layers), true, List.of(), List.of("/bin/sh"));
    }

    static TestImage plain(Tars... layers) {
        return new TestImage(List.of(layers), false, List.of(), List.of("/bin/sh"));
    }

    static TestImage small() {
        return of(Tars.tar().dir("etc").file("etc/hostname", "atoll\n"));
    }

    String manifestDigest() {
        return Digests.of(manifest);
    }

    String configDigest() {
        return Digests.of(config);
    }

    /** index.json, oci-layout and every blob, as skopeo's oci-archive writes them. */
    Tars ociLayout(String refName) {
        ObjectNode index = OciImage.JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", OciImage.OCI_INDEX);
        ObjectNode entry = descriptor(OciImage.OCI_MANIFEST, manifestDigest(), manifest.length);
        if (refName != null) entry.putObject("annotations").put("org.opencontainers.image.ref.name", refName);
        index.putArray("manifests").add(entry);
        Tars tar = Tars.tar()
                .file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
                .file("index.json", new String(json(index)))
                .dir("blobs")
                .dir("blobs/sha256");
        blob(tar, manifest);
        blob(tar, config);
        layerBlobs.forEach(b -> blob(tar, b));
        return tar;
    }

    /** A docker-save tarball: manifest.json, the config as {@code <hex>.json}, each layer as {@code <id>/layer.tar}. */
    Tars dockerSave(List<String> repoTags) {
        ObjectNode entry = OciImage.JSON.createObjectNode();
        String configName = Digests.hex(configDigest()) + ".json";
        entry.put("Config", configName);
        repoTags.forEach(entry.putArray("RepoTags")::add);
        var layers = entry.putArray("Layers");
        Tars tar = Tars.tar().file(configName, new String(config));
        for (int i = 0; i < layerBlobs.size(); i++) {
            String id = Digests.hex(diffIds.get(i));
            tar.dir(id).file(id + "/VERSION", "1.0").file(id + "/layer.tar", layerBlobs.get(i), 0644);
            layers.add(id + "/layer.tar");
        }
        var list = OciImage.JSON.createArrayNode().add(entry);
        return tar.file("manifest.json", new String(json(list)));
    }

    Path write(Tars tar, Path file) {
        try {
            Files.write(file, tar.bytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts manifest, config and layers straight into a store, as an earlier import would have. */
    TestImage storeIn(BlobStore blobs) {
        try {
            blobs.put(manifest);
            blobs.put(config);
            for (byte[] layer : layerBlobs) blobs.put(layer);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void blob(Tars tar, byte[] content) {
        tar.file("blobs/sha256/" + Digests.hex(Digests.of(content)), content, 0644);
    }

    static ObjectNode descriptor(String mediaType, String digest, long size) {
        ObjectNode d = OciImage.JSON.createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    static byte[] json(Object node) {
        try {
            return OciImage.JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
