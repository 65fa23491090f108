package dev.atoll.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks an image's layers, in order, into a root filesystem directory, as a container runtime
 * would: whiteouts ({@code .wh.NAME} deletes NAME of lower layers, {@code .wh..wh..opq} empties a
 * directory of lower layers' entries), symlinks, hard links, modes (with setuid/setgid/sticky),
 * uid/gid (only when running as root), mtimes.
 *
 * <p>No entry can write outside the root: names with {@code ..} that climb out are rejected, and
 * symlinks met as parents are resolved inside the root the way the container will see them (an
 * absolute link {@code /etc} leads to {@code rootfs/etc}, a {@code ..} at the root stays at the
 * root), never through the host's file system. The final component of an entry is never followed.
 *
 * <p>Each layer blob is verified while read: against its digest when its file is named by its hex
 * digest (as in a {@link BlobStore}), and its uncompressed content against the config's diff_id. A
 * failure can leave {@code rootfs} half written: unpack into a fresh directory and discard it on
 * error (as {@link NodeImageCache} does).
 */
public final class LayerUnpacker {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final int MAX_LINK_HOPS = 40;
    private static final boolean ROOT = runningAsRoot();

    private LayerUnpacker() {}

    /** Only root may give files away; /proc/self belongs to the effective user. */
    private static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    public static void unpack(List<Path> layerBlobs, List<String> diffIds, Path rootfs) throws ImageImportException {
        if (layerBlobs.size() != diffIds.size()) {
            throw new ImageImportException(layerBlobs.size() + " layers but " + diffIds.size()
                    + " diff_ids: the config does not fit the manifest");
        }
        try {
            Files.createDirectories(rootfs);
            Path root = rootfs.toRealPath();
            for (int i = 0; i < layerBlobs.size(); i++) {
                new LayerWriter(
                                root,
                                "layer " + (i + 1) + " (" + layerBlobs.get(i).getFileName() + ")")
                        .unpack(layerBlobs.get(i), diffIds.get(i));
            }
        } catch (IOException e) {
            throw new ImageImportException("cannot unpack into " + rootfs + ": " + e.getMessage(), e);
        }
    }

    /** One layer's pass: what it wrote (whiteouts spare those) and the directory times to set last. */
    private static final class LayerWriter {
        private final Path root;
        private final String layer;
        private final Set<Path> written = new HashSet<>();
        private final Map<Path, TarArchiveEntry> directories = new LinkedHashMap<>();

        LayerWriter(Path root, String layer) {
            this.root = root;
            this.layer = layer;
        }

        void unpack(Path blob, String diffId) throws IOException, ImageImportException {
            String expectedBlob =
                    Digests.isHex(blob.getFileName().toString()) ? Digests.PREFIX + blob.getFileName() : null;
            MessageDigest blobHash = Digests.sha256();
            MessageDigest diffHash = Digests.sha256();
            try (InputStream file = Files.newInputStream(blob)) {
                var hashedBlob = new BufferedInputStream(new DigestInputStream(file, blobHash), 64 * 1024);
                hashedBlob.mark(2);
                boolean gzip = hashedBlob.read() == 0x1f && hashedBlob.read() == 0x8b;
                hashedBlob.reset();
                InputStream plain = gzip ? new GzipCompressorInputStream(hashedBlob) : hashedBlob;
                var hashedTar = new DigestInputStream(plain, diffHash);
                var tar = new TarArchiveInputStream(hashedTar);
                TarArchiveEntry entry;
                while ((entry = next(tar)) != null) {
                    apply(entry, tar);
                }
                // The digests cover the padding after the last entry, which the tar reader leaves unread.
                hashedTar.transferTo(OutputStream.nullOutputStream());
                hashedBlob.transferTo(OutputStream.nullOutputStream());
            }
            String actualBlob = Digests.of(blobHash);
            if (expectedBlob != null && !actualBlob.equals(expectedBlob)) {
                throw new ImageImportException(layer + " is corrupt: the blob has digest " + actualBlob);
            }
            String actualDiff = Digests.of(diffHash);
            if (!actualDiff.equals(diffId)) {
                throw new ImageImportException(layer + ": its uncompressed content has digest " + actualDiff
                        + " but the config's rootfs.diff_ids says " + diffId);
            }
            finishDirectories();
        }

        private TarArchiveEntry next(TarArchiveInputStream tar) throws ImageImportException {
            try {
                return tar.getNextEntry();
            } catch (IOException | IllegalArgumentException e) {
                throw new ImageImportException(layer + " is not a readable tar: " + e.getMessage(), e);
            }
        }

        private void apply(TarArchiveEntry entry, InputStream content) throws IOException, ImageImportException {
            List<String> parts = entryPath(entry.getName());
            if (parts.isEmpty()) {
                if (entry.isDirectory()) directories.put(root, entry);
                return;
            }
            String base = parts.getLast();
            Path parent = resolveParents(parts.subList(0, parts.size() - 1), entry.getName());
            if (base.equals(OPAQUE)) {
                makeOpaque(parent);
                return;
            }
            if (base.startsWith(WHITEOUT)) {
                Path victim = parent.resolve(base.substring(WHITEOUT.length()));
                if (!written.contains(victim)) deleteTree(victim);
                return;
            }
            Path target = parent.resolve(base);
            if (entry.isDirectory()) {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(target);
                    Files.createDirectory(target);
                }
                written.add(target);
                directories.put(target, entry);
                return;
            }
            if (entry.isLink()) {
                List<String> linkParts = entryPath(entry.getLinkName());
                if (linkParts.isEmpty()) throw escape(entry, "hard link to the root directory");
                Path existing = resolveParents(linkParts.subList(0, linkParts.size() - 1), entry.getLinkName())
                        .resolve(linkParts.getLast());
                if (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ImageImportException(layer + ": hard link " + entry.getName() + " points at "
                            + entry.getLinkName() + ", which does not exist");
                }
                if (Files.isDirectory(existing, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ImageImportException(
                            layer + ": hard link " + entry.getName() + " points at directory " + entry.getLinkName());
                }
                replaceable(target);
                Files.createLink(target, existing);
                written.add(target);
                return;
            }
            if (entry.isSymbolicLink()) {
                replaceable(target);
                Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                written.add(target);
                owner(target, entry);
                time(target, entry);
                return;
            }
            if (entry.isFile()) {
                replaceable(target);
                try (OutputStream out = Files.newOutputStream(
                        target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    content.transferTo(out);
                }
                written.add(target);
                owner(target, entry);
                mode(target, entry);
                time(target, entry);
            }
            // Devices and FIFOs cannot be made from Java; runtimes provide /dev themselves.
        }

        /** The entry's name as components, with "." and empty parts dropped; ".." that climbs out is refused. */
        private List<String> entryPath(String name) throws ImageImportException {
            var parts = new ArrayList<String>();
            for (String part : name.split("/")) {
                if (part.isEmpty() || part.equals(".")) continue;
                if (part.equals("..")) {
                    if (parts.isEmpty()) {
                        throw new ImageImportException(layer + ": entry '" + name + "' escapes the root filesystem");
                    }
                    parts.removeLast();
                } else {
                    parts.add(part);
                }
            }
            return parts;
        }

        /**
         * The real directory for {@code parents} inside the root, creating missing ones. Symlinks met
         * on the way are followed as the container would: relative to their directory, or to the root
         * when absolute, and never above the root.
         */
        private Path resolveParents(List<String> parents, String name) throws IOException, ImageImportException {
            var pending = new java.util.ArrayDeque<String>(parents);
            var resolved = new ArrayList<String>();
            int hops = 0;
            while (!pending.isEmpty()) {
                String part = pending.pollFirst();
                if (part.isEmpty() || part.equals(".")) continue;
                if (part.equals("..")) {
                    if (!resolved.isEmpty()) resolved.removeLast();
                    continue;
                }
                Path here = at(resolved).resolve(part);
                if (Files.isSymbolicLink(here)) {
                    if (++hops > MAX_LINK_HOPS) {
                        throw new ImageImportException(layer + ": entry '" + name + "' goes through too many symlinks");
                    }
                    String link = Files.readSymbolicLink(here).toString();
                    if (link.startsWith("/")) resolved.clear();
                    var linkParts = List.of(link.split("/"));
                    for (int i = linkParts.size() - 1; i >= 0; i--) pending.addFirst(linkParts.get(i));
                    continue;
                }
                if (!Files.exists(here, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(here);
                } else if (!Files.isDirectory(here, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ImageImportException(layer + ": entry '" + name + "' needs " + root.relativize(here)
                            + " to be a directory, but it is a file");
                }
                resolved.add(part);
            }
            Path parent = at(resolved);
            if (!parent.startsWith(root)) throw escape(name);
            return parent;
        }

        private Path at(List<String> parts) {
            Path p = root;
            for (String part : parts) p = p.resolve(part);
            return p;
        }

        private ImageImportException escape(String name) {
            return new ImageImportException(layer + ": entry '" + name + "' escapes the root filesystem");
        }

        private ImageImportException escape(TarArchiveEntry entry, String why) {
            return new ImageImportException(layer + ": entry '" + entry.getName() + "' is a " + why);
        }

        /** Clears the path for a new non-directory entry: a lower layer's file, link or directory goes. */
        private void replaceable(Path target) throws IOException {
            deleteTree(target);
        }

        private void makeOpaque(Path dir) throws IOException {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return;
            try (var children = Files.list(dir)) {
                for (Path child : children.toList()) {
                    if (!written.contains(child)) deleteTree(child);
                }
            }
        }

        private void deleteTree(Path path) throws IOException {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                // Walking does not follow links, so a symlink inside is removed, not its target.
                try (var walk = Files.walk(path)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        try {
                            Files.deleteIfExists(p);
                        } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                            throw new IOException("cannot delete " + p + ": " + e.getMessage(), e);
                        }
                    }
                }
            } else {
                Files.delete(path);
            }
        }

        private void finishDirectories() throws IOException {
            // Children change a directory's mtime, and a read-only mode would stop them being written: last.
            var dirs = new ArrayList<>(directories.entrySet());
            dirs.sort(Comparator.comparingInt(
                            (Map.Entry<Path, TarArchiveEntry> e) -> e.getKey().getNameCount())
                    .reversed());
            for (var e : dirs) {
                if (!Files.isDirectory(e.getKey(), LinkOption.NOFOLLOW_LINKS)) continue;
                owner(e.getKey(), e.getValue());
                mode(e.getKey(), e.getValue());
                time(e.getKey(), e.getValue());
            }
        }

        private static void mode(Path path, TarArchiveEntry entry) throws IOException {
            Files.setAttribute(path, "unix:mode", entry.getMode() & 07777, LinkOption.NOFOLLOW_LINKS);
        }

        private static void owner(Path path, TarArchiveEntry entry) throws IOException {
            if (!ROOT) return;
            Files.setAttribute(path, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        }

        private static void time(Path path, TarArchiveEntry entry) {
            try {
                FileTime mtime = FileTime.from(entry.getLastModifiedTime().toInstant());
                Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(mtime, null, null);
            } catch (IOException | UnsupportedOperationException e) {
                // A file system without settable link times loses only a timestamp.
            }
        }
    }
}
