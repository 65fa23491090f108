package dev.atoll.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.atoll.model.image.ImageRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageImporterTest {
    @TempDir
    Path dir;

    BlobStore blobs;
    ImageCatalog catalog;
    ImageImporter importer;

    @BeforeEach
    void store() {
        blobs = new BlobStore(dir.resolve("store/blobs"));
        catalog = new ImageCatalog(dir.resolve("store/catalog"), blobs);
        importer = new ImageImporter(blobs, catalog);
    }

    @Test
    void anOciArchiveIsImportedUnderItsRefNameWithEveryBlobStored() throws Exception {
        var image = TestImage.of(Tars.tar().file("hello", "hi"), Tars.tar().file("second", "2"));
        Path file = image.write(image.ociLayout("tools:1.0"), dir.resolve("oci.tar"));

        ImageRecord record = importer.importArchive(file, Optional.empty());

        assertThat(record.manifestDigest()).isEqualTo(image.manifestDigest());
        assertThat(record.names()).containsExactly("tools:1.0");
        assertThat(record.configDigest()).isEqualTo(image.configDigest());
        assertThat(record.layerDigests()).hasSize(2).allMatch(blobs::has);
        assertThat(record.config().cmd()).containsExactly("/bin/sh");
        assertThat(record.config().labels()).containsEntry("made-by", "test");
        assertThat(record.size())
                .isEqualTo(image.manifest.length
                        + image.config.length
                        + image.layerBlobs.stream().mapToLong(b -> b.length).sum());
        assertThat(catalog.resolve(ImageRef.of("tools:1.0"))).contains(record);
        assertThat(catalog.resolve(ImageRef.of(image.manifestDigest()))).contains(record);
    }

    @Test
    void anOciLayoutDirectoryImportsLikeItsTar() throws Exception {
        var image = TestImage.small();
        Path layout = dir.resolve("layout");
        for (var e : List.of("blobs/sha256")) Files.createDirectories(layout.resolve(e));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(
                layout.resolve("index.json"),
                TestImage.json(OciImage.JSON
                        .createObjectNode()
                        .put("schemaVersion", 2)
                        .set(
                                "manifests",
                                OciImage.JSON
                                        .createArrayNode()
                                        .add(TestImage.descriptor(
                                                OciImage.OCI_MANIFEST,
                                                image.manifestDigest(),
                                                image.manifest.length)))));
        for (byte[] blob : List.of(image.manifest, image.config, image.layerBlobs.getFirst())) {
            Files.write(layout.resolve("blobs/sha256/" + Digests.hex(Digests.of(blob))), blob);
        }

        ImageRecord record = importer.importArchive(layout, Optional.of("etc-only"));

        assertThat(record.manifestDigest()).isEqualTo(image.manifestDigest());
        assertThat(record.names()).containsExactly("etc-only:latest");
    }

    @Test
    void aNestedIndexYieldsItsLinuxAmd64Manifest() throws Exception {
        var amd64 = TestImage.small();
        var arm64 = TestImage.of(Tars.tar().file("arm", "64"));
        var nested = OciImage.JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", OciImage.OCI_INDEX);
        var list = nested.putArray("manifests");
        list.add(TestImage.descriptor(OciImage.OCI_MANIFEST, arm64.manifestDigest(), arm64.manifest.length)
                .set(
                        "platform",
                        OciImage.JSON.createObjectNode().put("os", "linux").put("architecture", "arm64")));
        list.add(TestImage.descriptor(OciImage.OCI_MANIFEST, amd64.manifestDigest(), amd64.manifest.length)
                .set(
                        "platform",
                        OciImage.JSON.createObjectNode().put("os", "linux").put("architecture", "amd64")));
        byte[] nestedBytes = TestImage.json(nested);
        var top = OciImage.JSON.createObjectNode().put("schemaVersion", 2);
        top.putArray("manifests")
                .add(TestImage.descriptor(OciImage.OCI_INDEX, Digests.of(nestedBytes), nestedBytes.length)
                        .set(
                                "annotations",
                                OciImage.JSON
                                        .createObjectNode()
                                        .put("io.containerd.image.name", "docker.io/library/multi:2")));
        Tars tar = Tars.tar()
                .file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
                .file("index.json", new String(TestImage.json(top)));
        for (byte[] blob : List.of(
                nestedBytes,
                amd64.manifest,
                amd64.config,
                amd64.layerBlobs.getFirst(),
                arm64.manifest,
                arm64.config,
                arm64.layerBlobs.getFirst())) {
            tar.file("blobs/sha256/" + Digests.hex(Digests.of(blob)), blob, 0644);
        }

        ImageRecord record = importer.importArchive(amd64.write(tar, dir.resolve("multi.tar")), Optional.empty());

        assertThat(record.manifestDigest()).isEqualTo(amd64.manifestDigest());
        assertThat(record.names()).containsExactly("multi:2");
    }

    @Test
    void aDockerSaveTarballBecomesAnOciManifestKeepingItsConfigAndRepoTags() throws Exception {
        var image = TestImage.plain(Tars.tar().file("a", "1"), Tars.tar().file("b", "2"));
        Path file = image.write(
                image.dockerSave(List.of("app:7", "docker.io/library/app:latest")), dir.resolve("save.tar"));

        ImageRecord record = importer.importArchive(file, Optional.empty());

        assertThat(record.names()).containsExactly("app:7", "app:latest");
        assertThat(record.configDigest()).isEqualTo(image.configDigest());
        assertThat(record.layerDigests()).isEqualTo(image.diffIds);
        var manifest = OciImage.manifest(blobs.readAll(record.manifestDigest()), "manifest");
        assertThat(manifest.layers()).extracting(OciImage.Descriptor::mediaType).containsOnly(OciImage.OCI_LAYER_TAR);
        assertThat(manifest.config().mediaType()).isEqualTo(OciImage.OCI_CONFIG);
    }

    @Test
    void theSameDockerSaveImportedTwiceIsOneImage() throws Exception {
        var image = TestImage.plain(Tars.tar().file("a", "1"));
        Path file = image.write(image.dockerSave(List.of("app:1")), dir.resolve("save.tar"));

        var first = importer.importArchive(file, Optional.empty());
        var second = importer.importArchive(file, Optional.of("app:2"));

        assertThat(second.manifestDigest()).isEqualTo(first.manifestDigest());
        assertThat(catalog.list()).hasSize(1);
        assertThat(second.names()).containsExactly("app:1", "app:2");
        assertThat(second.imported()).isEqualTo(first.imported());
    }

    @Test
    void aGivenNameOverridesTheArchiveNamesAndMovesFromTheImageThatHadIt() throws Exception {
        var old = TestImage.of(Tars.tar().file("v", "1"));
        var next = TestImage.of(Tars.tar().file("v", "2"));
        importer.importArchive(old.write(old.ociLayout("web:1"), dir.resolve("old.tar")), Optional.of("web:stable"));

        var record = importer.importArchive(
                next.write(next.ociLayout("web:2"), dir.resolve("next.tar")), Optional.of("web:stable"));

        assertThat(record.names()).containsExactly("web:stable");
        assertThat(catalog.resolve(ImageRef.of("web:stable")).orElseThrow().manifestDigest())
                .isEqualTo(next.manifestDigest());
        assertThat(catalog.resolve(ImageRef.of(old.manifestDigest()))
                        .orElseThrow()
                        .names())
                .isEmpty();
    }

    @Test
    void theCatalogSurvivesARestart() throws Exception {
        var image = TestImage.small();
        var record =
                importer.importArchive(image.write(image.ociLayout("keep:me"), dir.resolve("i.tar")), Optional.empty());

        var reopened = new ImageCatalog(dir.resolve("store/catalog"), new BlobStore(dir.resolve("store/blobs")));

        assertThat(reopened.list()).containsExactly(record);
        assertThat(reopened.resolve(ImageRef.of("keep:me"))).contains(record);
    }

    @Test
    void aLayoutMissingALayerBlobIsRejectedNamingTheBlobAndNothingIsCatalogued() throws Exception {
        var image = TestImage.of(Tars.tar().file("a", "1"));
        String layer = Digests.hex(Digests.of(image.layerBlobs.getFirst()));
        Tars tar = Tars.tar().file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
        var index = OciImage.JSON.createObjectNode().put("schemaVersion", 2);
        index.putArray("manifests")
                .add(TestImage.descriptor(OciImage.OCI_MANIFEST, image.manifestDigest(), image.manifest.length));
        tar.file("index.json", new String(TestImage.json(index)));
        tar.file("blobs/sha256/" + Digests.hex(image.manifestDigest()), image.manifest, 0644);
        tar.file("blobs/sha256/" + Digests.hex(image.configDigest()), image.config, 0644);

        Path file = image.write(tar, dir.resolve("missing.tar"));

        assertThatThrownBy(() -> importer.importArchive(file, Optional.empty()))
                .isInstanceOf(ImageImportException.class)
                .hasMessageContaining(
                        "blobs/sha256/" + layer + " (layer 1) in missing.tar is missing from the archive");
        assertThat(catalog.list()).isEmpty();
    }

    @Test
    void aBlobWhoseContentDoesNotMatchItsNameIsRejectedAndNotStored() throws Exception {
        var image = TestImage.small();
        String fakeName = Digests.hex(Digests.of("something else".getBytes()));
        Tars tar = Tars.tar()
                .file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
                .file("blobs/sha256/" + fakeName, "tampered".getBytes(), 0644);
        Path file = image.write(tar, dir.resolve("tampered.tar"));

        assertThatThrownBy(() -> importer.importArchive(file, Optional.empty()))
                .isInstanceOf(ImageImportException.class)
                .hasMessageContaining("blobs/sha256/" + fakeName + " in tampered.tar is corrupt");
        assertThat(blobs.has(Digests.PREFIX + fakeName)).isFalse();
        assertThat(catalog.list()).isEmpty();
    }

    @Test
    void aFileThatIsNotATarIsRejectedAsSuch() throws IOException {
        Path file = Files.writeString(
                dir.resolve("notes.txt"), "these are not the layers you are looking for\n".repeat(30));

        assertThatThrownBy(() -> importer.importArchive(file, Optional.empty()))
                .isInstanceOf(ImageImportException.class)
                .hasMessageContaining("notes.txt is not a")
                .hasMessageContaining("tar archive");
        assertThat(catalog.list()).isEmpty();
    }

    @Test
    void aTruncatedArchiveIsRejectedAsUnreadable() throws IOException {
        var image = TestImage.of(Tars.tar().file("big", "x".repeat(50_000)));
        byte[] whole = image.ociLayout("t:1").bytes();
        Path file = Files.write(dir.resolve("cut.tar"), java.util.Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> importer.importArchive(file, Optional.empty()))
                .isInstanceOf(ImageImportException.class)
                .hasMessageContaining("cut.tar is not a readable tar archive");
        assertThat(catalog.list()).isEmpty();
    }

    @Test
    void aGzippedOciArchiveIsImported() throws Exception {
        var image = TestImage.small();
        Path file =
                Files.write(dir.resolve("oci.tar.gz"), image.ociLayout("gz:1").gzip());

        assertThat(importer.importArchive(file, Optional.empty()).names()).containsExactly("gz:1");
    }

    @Test
    void aTarThatIsNoImageSaysWhatItLacks() {
        Path file = TestImage.small().write(Tars.tar().file("readme", "hi"), dir.resolve("plain.tar"));

        assertThatThrownBy(() -> importer.importArchive(file, Optional.empty()))
                .hasMessageContaining(
                        "plain.tar is neither an OCI image layout (it has no index.json) nor a docker save");
    }

    @Test
    void aDockerSaveNamingAMissingLayerIsRejected() {
        var image = TestImage.plain(Tars.tar().file("a", "1"));
        var manifest = OciImage.JSON
                .createArrayNode()
                .add(OciImage.JSON
                        .createObjectNode()
                        .put("Config", Digests.hex(image.configDigest()) + ".json")
                        .set("Layers", OciImage.JSON.createArrayNode().add("gone/layer.tar")));
        Tars tar = Tars.tar()
                .file(Digests.hex(image.configDigest()) + ".json", new String(image.config))
                .file("manifest.json", new String(TestImage.json(manifest)));

        assertThatThrownBy(() -> importer.importArchive(image.write(tar, dir.resolve("save.tar")), Optional.empty()))
                .hasMessageContaining(
                        "manifest.json in save.tar names layer gone/layer.tar, which is not in the archive");
        assertThat(catalog.list()).isEmpty();
    }

    @Test
    void aDockerSaveLayerThatDoesNotMatchItsDiffIdIsRejected() {
        var image = TestImage.plain(Tars.tar().file("a", "1"));
        var other = TestImage.plain(Tars.tar().file("a", "changed"));
        String id = "abc";
        var manifest = OciImage.JSON
                .createArrayNode()
                .add(OciImage.JSON
                        .createObjectNode()
                        .put("Config", Digests.hex(image.configDigest()) + ".json")
                        .set("Layers", OciImage.JSON.createArrayNode().add(id + "/layer.tar")));
        Tars tar = Tars.tar()
                .file(Digests.hex(image.configDigest()) + ".json", new String(image.config))
                .file(id + "/layer.tar", other.layerBlobs.getFirst(), 0644)
                .file("manifest.json", new String(TestImage.json(manifest)));

        assertThatThrownBy(() -> importer.importArchive(image.write(tar, dir.resolve("save.tar")), Optional.empty()))
                .hasMessageContaining("abc/layer.tar (layer 1) in save.tar has digest")
                .hasMessageContaining("rootfs.diff_ids[0]");
        assertThat(catalog.list()).isEmpty();
    }

    @Test
    void anInvalidGivenNameIsRejectedBeforeAnythingIsRead() {
        assertThatThrownBy(() -> importer.importArchive(dir.resolve("whatever.tar"), Optional.of("Not A Name")))
                .isInstanceOf(ImageImportException.class)
                .hasMessageContaining("'Not A Name' is not an image name");
    }
}
