package dev.atoll.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeImageCacheTest {
    static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    Path dir;

    BlobStore siteBlobs;
    ImageImporter site;
    List<BlobPeer> sitePeers;

    @BeforeEach
    void aSiteHoldingImages() {
        siteBlobs = new BlobStore(dir.resolve("site/blobs"));
        site = new ImageImporter(siteBlobs, new ImageCatalog(dir.resolve("site/catalog"), siteBlobs));
        sitePeers = List.of(new LocalBlobPeer("site", siteBlobs, 4096));
    }

    @Test
    void preparingAPinnedImageFetchesItFromThePeerAndUnpacksItOnce() throws Exception {
        var image = TestImage.of(
                Tars.tar().dir("etc").file("etc/motd", "hello"), Tars.tar().file("etc/extra", "x"));
        var record = site.importArchive(image.write(image.ociLayout("motd:1"), dir.resolve("i.tar")), Optional.empty());
        var cache = new NodeImageCache(dir.resolve("node"), () -> sitePeers);

        var first = cache.prepare("motd:1@" + record.manifestDigest());
        var second = cache.prepare(record.manifestDigest());

        assertThat(first.rootfs()).isEqualTo(second.rootfs());
        assertThat(first.rootfs()).isEqualTo(dir.resolve("node/rootfs").resolve(Digests.hex(record.manifestDigest())));
        assertThat(first.rootfs().resolve("etc/motd")).hasContent("hello");
        assertThat(first.config().cmd()).containsExactly("/bin/sh");
        assertThat(first.manifestDigest()).isEqualTo(record.manifestDigest());
        assertThat(cache.unpacks()).isEqualTo(1);
        assertThat(cache.blobs().digests()).containsAll(record.layerDigests());
    }

    @Test
    void concurrentPreparesOfOneImageShareOneUnpack() throws Exception {
        var image = TestImage.small();
        var record =
                site.importArchive(image.write(image.ociLayout("small:1"), dir.resolve("i.tar")), Optional.empty());
        var cache = new NodeImageCache(dir.resolve("node"), () -> sitePeers);

        var prepared = new ArrayList<PreparedImage>();
        try (var pool = Executors.newFixedThreadPool(4)) {
            var futures = new ArrayList<Future<PreparedImage>>();
            for (int i = 0; i < 4; i++) {
                futures.add(pool.submit((Callable<PreparedImage>) () -> cache.prepare(record.manifestDigest())));
            }
            for (var f : futures) prepared.add(f.get());
        }

        assertThat(prepared)
                .extracting(PreparedImage::rootfs)
                .containsOnly(prepared.getFirst().rootfs());
        assertThat(cache.unpacks()).isEqualTo(1);
    }

    @Test
    void aRestartedCacheReusesItsUnpackedImageWithoutPeers() throws Exception {
        var image = TestImage.small();
        var record =
                site.importArchive(image.write(image.ociLayout("small:1"), dir.resolve("i.tar")), Optional.empty());
        new NodeImageCache(dir.resolve("node"), () -> sitePeers).prepare(record.manifestDigest());

        var restarted = new NodeImageCache(dir.resolve("node"), List::of);
        var prepared = restarted.prepare(record.manifestDigest());

        assertThat(prepared.rootfs().resolve("etc/hostname")).hasContent("atoll\n");
        assertThat(restarted.unpacks()).isZero();
    }

    @Test
    @Tag("host")
    void asRootUnpackedFilesKeepTheirOwners() throws Exception {
        assumeTrue(((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0, "needs root to chown");
        var image = TestImage.of(Tars.tar().owned("owned", "x", 1234, 5678));
        var record =
                site.importArchive(image.write(image.ociLayout("owned:1"), dir.resolve("o.tar")), Optional.empty());
        var cache = new NodeImageCache(dir.resolve("node"), () -> sitePeers);

        Path file = cache.prepare(record.manifestDigest()).rootfs().resolve("owned");

        assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(1234);
        assertThat(Files.getAttribute(file, "unix:gid")).isEqualTo(5678);
    }

    @Test
    void anImageThatCannotBeUnpackedLeavesNoRootfsBehind() throws Exception {
        var image = TestImage.of(Tars.tar().file("ok", "1").file("../../evil", "x"));
        var record = site.importArchive(image.write(image.ociLayout("evil:1"), dir.resolve("i.tar")), Optional.empty());
        var cache = new NodeImageCache(dir.resolve("node"), () -> sitePeers);

        assertThatThrownBy(() -> cache.prepare(record.manifestDigest()))
                .isInstanceOf(ImageUnavailableException.class)
                .hasMessageContaining("image " + record.manifestDigest() + " cannot be unpacked")
                .hasMessageContaining("entry '../../evil' escapes the root filesystem");
        assertThat(dir.resolve("node/rootfs")).isEmptyDirectory();
        assertThat(cache.unpacks()).isZero();
    }

    @Test
    void anUnpinnedReferenceIsRefusedWithTheReason() {
        var cache = new NodeImageCache(dir.resolve("node"), () -> sitePeers);

        assertThatThrownBy(() -> cache.prepare("busybox:1.36"))
                .isInstanceOf(ImageUnavailableException.class)
                .hasMessageContaining("image busybox:1.36 is not pinned to a digest");
    }

    @Test
    void anImageNoPeerHoldsIsAClearError() {
        var cache = new NodeImageCache(dir.resolve("node"), () -> sitePeers);
        String unknown = Digests.of("no such manifest".getBytes());

        assertThatThrownBy(() -> cache.prepare(unknown))
                .isInstanceOf(ImageUnavailableException.class)
                .hasMessage("image " + unknown + " is held by none of: site");
        assertThat(dir.resolve("node/rootfs")).isEmptyDirectory();
    }

    @Test
    void aBusyboxImageImportedAsDockerSaveRunsFromItsUnpackedRootfs() throws Exception {
        assumeTrue(Files.isExecutable(BUSYBOX), "needs a static " + BUSYBOX + " to build a realistic image");
        var layer = Tars.tar()
                .dir("bin")
                .file("bin/busybox", Files.readAllBytes(BUSYBOX), 0755)
                .symlink("bin/sh", "busybox")
                .symlink("bin/echo", "/bin/busybox")
                .dir("tmp", 01777);
        var image = TestImage.plain(layer, Tars.tar().dir("etc").file("etc/motd", "from atoll\n"));
        var record = site.importArchive(
                image.write(image.dockerSave(List.of("busybox:test")), dir.resolve("busybox.tar")), Optional.empty());
        var cache = new NodeImageCache(dir.resolve("node"), () -> sitePeers);

        var prepared = cache.prepare("busybox:test@" + record.manifestDigest());

        Path rootfs = prepared.rootfs();
        assertThat(Files.readSymbolicLink(rootfs.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
        assertThat(Files.getAttribute(rootfs.resolve("tmp"), "unix:mode")).isEqualTo(041777);
        var run = new ProcessBuilder(rootfs.resolve("bin/sh").toString(), "-c", "cat " + rootfs.resolve("etc/motd"))
                .redirectErrorStream(true)
                .start();
        assertThat(new String(run.getInputStream().readAllBytes())).isEqualTo("from atoll\n");
        assertThat(run.waitFor()).isZero();
    }
}
