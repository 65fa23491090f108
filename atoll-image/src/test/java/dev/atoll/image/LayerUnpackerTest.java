package dev.atoll.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerUnpackerTest {
    @TempDir
    Path dir;

    @Test
    void aWhiteoutDeletesALowerFileAndAnOpaqueDirectoryHidesLowerContentButKeepsItsOwn() throws Exception {
        var lower = Tars.tar()
                .dir("etc")
                .file("etc/keep", "k")
                .file("etc/gone", "g")
                .dir("var")
                .dir("var/cache")
                .file("var/cache/old1", "1")
                .dir("var/cache/sub")
                .file("var/cache/sub/old2", "2")
                .dir("opt")
                .file("opt/tool", "t");
        var upper = Tars.tar()
                .whiteout("etc/gone")
                .whiteout("opt")
                .dir("var/cache")
                .file("var/cache/fresh", "new")
                .opaque("var/cache")
                .file("var/cache/later", "also new");

        Path rootfs = unpack(TestImage.of(lower, upper));

        assertThat(rootfs.resolve("etc/keep")).hasContent("k");
        assertThat(rootfs.resolve("etc/gone")).doesNotExist();
        assertThat(rootfs.resolve("opt")).doesNotExist();
        assertThat(children(rootfs.resolve("var/cache"))).containsExactlyInAnyOrder("fresh", "later");
        assertThat(rootfs.resolve("etc/.wh.gone")).doesNotExist();
        assertThat(rootfs.resolve("var/cache/.wh..wh..opq")).doesNotExist();
    }

    @Test
    void symlinksHardLinksModesAndTimesAreKept() throws Exception {
        var layer = Tars.tar()
                .dir("bin")
                .file("bin/tool", "#!/bin/sh\n".getBytes(), 0755)
                .symlink("bin/sh", "tool")
                .hardlink("bin/same", "bin/tool")
                .dir("secret", 0700)
                .file("secret/key", "k".getBytes(), 0600);

        Path rootfs = unpack(TestImage.plain(layer));

        assertThat(Files.readSymbolicLink(rootfs.resolve("bin/sh"))).isEqualTo(Path.of("tool"));
        assertThat(Files.getAttribute(rootfs.resolve("bin/same"), "unix:ino"))
                .isEqualTo(Files.getAttribute(rootfs.resolve("bin/tool"), "unix:ino"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rootfs.resolve("bin/tool"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rootfs.resolve("secret"))))
                .isEqualTo("rwx------");
        assertThat(Files.getLastModifiedTime(rootfs.resolve("bin/tool")).toInstant())
                .isEqualTo(Tars.MTIME);
        assertThat(Files.getLastModifiedTime(rootfs.resolve("bin")).toInstant()).isEqualTo(Tars.MTIME);
    }

    @Test
    void anUpperLayerReplacesALowerSymlinkRatherThanWritingThroughIt() throws Exception {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "untouched");
        var lower = Tars.tar().symlink("victim", outside.toString());
        var upper = Tars.tar().file("victim", "replaced");

        Path rootfs = unpack(TestImage.of(lower, upper));

        assertThat(outside).hasContent("untouched");
        assertThat(Files.isSymbolicLink(rootfs.resolve("victim"))).isFalse();
        assertThat(rootfs.resolve("victim")).hasContent("replaced");
    }

    @Test
    void anEntryClimbingOutOfTheRootIsRejected() {
        var layer = Tars.tar().file("../../escaped", "x");

        assertThatThrownBy(() -> unpack(TestImage.of(layer)))
                .isInstanceOf(ImageImportException.class)
                .hasMessageContaining("layer 1")
                .hasMessageContaining("entry '../../escaped' escapes the root filesystem");
        assertThat(dir.resolve("escaped")).doesNotExist();
    }

    @Test
    void aHardLinkToAFileOutsideTheRootIsRejected() {
        var layer = Tars.tar().hardlink("passwd", "../../../etc/passwd");

        assertThatThrownBy(() -> unpack(TestImage.of(layer))).hasMessageContaining("escapes the root filesystem");
    }

    @Test
    void symlinksUsedAsParentsAreFollowedInsideTheRootNeverOnTheHost() throws Exception {
        Path host = Files.createDirectories(dir.resolve("host"));
        var lower = Tars.tar()
                .symlink("abs", host.toString())
                .symlink("up", "../../..")
                .dir("usr")
                .dir("usr/lib")
                .symlink("lib", "usr/lib");
        var upper = Tars.tar().file("abs/planted", "a").file("up/climbed", "b").file("lib/libc.so", "c");

        Path rootfs = unpack(TestImage.of(lower, upper));

        assertThat(children(host)).isEmpty();
        assertThat(dir.resolve("climbed")).doesNotExist();
        assertThat(rootfs.resolve(host.toString().substring(1)).resolve("planted"))
                .hasContent("a");
        assertThat(rootfs.resolve("climbed")).hasContent("b");
        assertThat(rootfs.resolve("usr/lib/libc.so")).hasContent("c");
    }

    @Test
    void aLayerWhoseContentDoesNotMatchItsDiffIdIsRejected() throws Exception {
        var image = TestImage.of(Tars.tar().file("a", "1"));
        Path blob = Files.write(dir.resolve("layer"), image.layerBlobs.getFirst());
        String wrong = Digests.of("other".getBytes());

        assertThatThrownBy(() -> LayerUnpacker.unpack(List.of(blob), List.of(wrong), dir.resolve("rootfs")))
                .hasMessageContaining("layer 1 (layer): its uncompressed content has digest")
                .hasMessageContaining("rootfs.diff_ids says " + wrong);
    }

    @Test
    void aLayerBlobNamedByItsDigestIsVerifiedAgainstIt() throws Exception {
        var image = TestImage.of(Tars.tar().file("a", "1"));
        byte[] content = image.layerBlobs.getFirst();
        String claimed = Digests.hex(Digests.of("not this".getBytes()));
        Path blob = Files.write(dir.resolve(claimed), content);

        assertThatThrownBy(() -> LayerUnpacker.unpack(List.of(blob), image.diffIds, dir.resolve("rootfs")))
                .hasMessageContaining("is corrupt: the blob has digest " + Digests.of(content));
    }

    private Path unpack(TestImage image) throws IOException, ImageImportException {
        var blobs = new BlobStore(dir.resolve("blobs"));
        image.storeIn(blobs);
        var paths = new ArrayList<Path>();
        for (byte[] layer : image.layerBlobs) paths.add(blobs.path(Digests.of(layer)));
        Path rootfs = dir.resolve("rootfs");
        LayerUnpacker.unpack(paths, image.diffIds, rootfs);
        return rootfs;
    }

    private static List<String> children(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> p.getFileName().toString())
                    .toList();
        }
    }
}
