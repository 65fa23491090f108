package dev.atoll.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Content-addressed blobs on disk at {@code <dir>/sha256/<hex>}. A write goes to a temporary file
 * in {@code <dir>/tmp}, is hashed while written, and only then moved into place atomically, so a
 * blob that exists is always complete and matches its name. Blobs are never changed once stored,
 * which is what lets readers, chunk lists and unpacked images trust them without locks.
 */
public final class BlobStore {
    private static final int BUFFER = 64 * 1024;
    private final Path dir;
    private final Path blobs;
    private final Path tmp;

    public BlobStore(Path dir) {
        this.dir = dir;
        this.blobs = dir.resolve("sha256");
        this.tmp = dir.resolve("tmp");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(tmp);
            clearLeftovers();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + dir + " as a blob store", e);
        }
    }

    public Path dir() {
        return dir;
    }

    public boolean has(String digest) {
        return Files.isRegularFile(path(digest));
    }

    public long size(String digest) throws NoSuchFileException {
        try {
            return Files.size(path(digest));
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path(String digest) {
        return blobs.resolve(Digests.hex(digest));
    }

    /** Stores {@code in} whole and returns its digest. */
    public String put(InputStream in) throws IOException {
        Path temp = Files.createTempFile(tmp, "put-", ".part");
        try {
            String digest = writeHashing(in, temp);
            moveIntoPlace(temp, digest);
            return digest;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Stores {@code in} only when it hashes to {@code digest}; otherwise stores nothing. */
    public void putVerified(String digest, InputStream in) throws IOException, BlobCorruptException {
        Digests.hex(digest);
        Path temp = Files.createTempFile(tmp, "put-", ".part");
        try {
            String actual = writeHashing(in, temp);
            if (!actual.equals(digest)) throw new BlobCorruptException(digest, actual);
            moveIntoPlace(temp, digest);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Stores bytes already in memory (manifests, configs). */
    public String put(byte[] bytes) throws IOException {
        return put(new java.io.ByteArrayInputStream(bytes));
    }

    public InputStream open(String digest, long offset) throws IOException {
        FileChannel channel = FileChannel.open(path(digest), StandardOpenOption.READ);
        try {
            channel.position(offset);
            return Channels.newInputStream(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public byte[] readAll(String digest) throws IOException {
        return Files.readAllBytes(path(digest));
    }

    public Optional<byte[]> read(String digest) throws IOException {
        try {
            return Optional.of(readAll(digest));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public Set<String> digests() throws IOException {
        var all = new TreeSet<String>();
        try (var files = Files.list(blobs)) {
            files.map(p -> p.getFileName().toString())
                    .filter(Digests::isHex)
                    .forEach(hex -> all.add(Digests.PREFIX + hex));
        }
        return all;
    }

    /** A directory on the same file system as the blobs, for callers staging work to move in later. */
    Path tempDir() {
        return tmp;
    }

    private static String writeHashing(InputStream in, Path temp) throws IOException {
        MessageDigest md = Digests.sha256();
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            var sink = Channels.newOutputStream(out);
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
                sink.write(buffer, 0, n);
            }
            sink.flush();
            // A blob's presence promises its content, also after a crash.
            out.force(true);
        }
        return Digests.of(md);
    }

    private void moveIntoPlace(Path temp, String digest) throws IOException {
        Path target = path(digest);
        if (Files.exists(target)) return; // same name, same content
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // a concurrent writer of the same content won
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("blob store " + dir + " cannot move files atomically", e);
        }
    }

    /**
     * Temp files of writes cut short by a crash. Only old ones: another store object on the same
     * directory may be writing right now.
     */
    private void clearLeftovers() throws IOException {
        var stale = java.time.Instant.now().minus(java.time.Duration.ofHours(1));
        try (var files = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)
                        && Files.getLastModifiedTime(p).toInstant().isBefore(stale)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
