package dev.atoll.agent.driver.microvm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a cpio archive in the "newc" format, the one the Linux kernel unpacks as an initramfs.
 * Everything is owned by root (the guest has no other users to map to); device nodes are left out
 * because the guest mounts devtmpfs. Not thread-safe; call {@link #finish} once.
 */
final class NewcArchive {
    private static final int TYPE_DIRECTORY = 0040000;
    private static final int TYPE_FILE = 0100000;
    private static final int TYPE_SYMLINK = 0120000;

    private final OutputStream out;
    private long written;
    private int inode = 1;

    NewcArchive(OutputStream out) {
        this.out = out;
    }

    void directory(String name, int permissions) throws IOException {
        entry(name, TYPE_DIRECTORY | permissions, new byte[0]);
    }

    void file(String name, int permissions, byte[] content) throws IOException {
        entry(name, TYPE_FILE | permissions, content);
    }

    void symlink(String name, String target) throws IOException {
        entry(name, TYPE_SYMLINK | 0777, target.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds everything under {@code root}, names relative to it, parents before children. */
    void tree(Path root) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = new ArrayList<>(walk.filter(p -> !p.equals(root)).sorted().toList());
        }
        for (Path path : paths) {
            String name = root.relativize(path).toString();
            var attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            int permissions = permissionBits(attributes.permissions());
            if (attributes.isSymbolicLink()) {
                symlink(name, Files.readSymbolicLink(path).toString());
            } else if (attributes.isDirectory()) {
                directory(name, permissions);
            } else if (attributes.isRegularFile()) {
                try (var in = Files.newInputStream(path)) {
                    header(name, TYPE_FILE | permissions, attributes.size());
                    long copied = in.transferTo(out);
                    if (copied != attributes.size()) throw new IOException(path + " changed while being archived");
                    written += copied;
                    pad();
                }
            }
        }
    }

    /** Writes the trailer entry; the archive is complete afterwards. */
    void finish() throws IOException {
        entry("TRAILER!!!", 0, new byte[0]);
        out.flush();
    }

    private void entry(String name, int mode, byte[] content) throws IOException {
        header(name, mode, content.length);
        out.write(content);
        written += content.length;
        pad();
    }

    private void header(String name, int mode, long size) throws IOException {
        if (size > 0xFFFFFFFFL) throw new IOException("file too large for a cpio archive: " + name);
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        boolean directory = (mode & 0170000) == TYPE_DIRECTORY;
        var header = new StringBuilder(110).append("070701");
        for (long field :
                new long[] {inode++, mode, 0, 0, directory ? 2 : 1, 0, size, 0, 0, 0, 0, nameBytes.length, 0}) {
            header.append(String.format("%08x", field));
        }
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.US_ASCII);
        out.write(headerBytes);
        out.write(nameBytes);
        written += headerBytes.length + nameBytes.length;
        pad();
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }

    static int permissionBits(Set<PosixFilePermission> permissions) {
        int bits = 0;
        for (PosixFilePermission p : permissions) bits |= 1 << (8 - p.ordinal());
        return bits;
    }
}
