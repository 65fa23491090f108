package dev.atoll.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds tar archives in memory for tests: layers and whole image archives. */
final class Tars {
    static final Instant MTIME = Instant.parse("2024-01-02T03:04:05Z");

    private final List<TarArchiveEntry> entries = new ArrayList<>();
    private final Map<TarArchiveEntry, byte[]> contents = new LinkedHashMap<>();

    static Tars tar() {
        return new Tars();
    }

    Tars dir(String path) {
        return dir(path, 0755);
    }

    Tars dir(String path, int mode) {
        var e = new TarArchiveEntry(path.endsWith("/") ? path : path + "/");
        e.setMode(040000 | mode);
        e.setModTime(MTIME.toEpochMilli());
        entries.add(e);
        return this;
    }

    Tars file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    Tars file(String path, byte[] content, int mode) {
        var e = new TarArchiveEntry(path);
        e.setSize(content.length);
        e.setMode(0100000 | mode);
        e.setModTime(MTIME.toEpochMilli());
        entries.add(e);
        contents.put(e, content);
        return this;
    }

    Tars owned(String path, String content, int uid, int gid) {
        file(path, content);
        entries.getLast().setUserId(uid);
        entries.getLast().setGroupId(gid);
        return this;
    }

    Tars symlink(String path, String target) {
        var e = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK);
        e.setLinkName(target);
        e.setModTime(MTIME.toEpochMilli());
        entries.add(e);
        return this;
    }

    Tars hardlink(String path, String target) {
        var e = new TarArchiveEntry(path, TarArchiveEntry.LF_LINK);
        e.setLinkName(target);
        e.setModTime(MTIME.toEpochMilli());
        entries.add(e);
        return this;
    }

    /** Deletes {@code path} of lower layers. */
    Tars whiteout(String path) {
        int slash = path.lastIndexOf('/');
        return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), "");
    }

    /** Hides everything lower layers put in {@code dir}. */
    Tars opaque(String dir) {
        return file(dir + "/.wh..wh..opq", "");
    }

    byte[] bytes() {
        var out = new ByteArrayOutputStream();
        writeTo(out);
        return out.toByteArray();
    }

    byte[] gzip() {
        var out = new ByteArrayOutputStream();
        try (var gz = new GzipCompressorOutputStream(out)) {
            writeTo(gz);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void writeTo(OutputStream out) {
        try {
            var tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (var e : entries) {
                tar.putArchiveEntry(e);
                byte[] content = contents.get(e);
                if (content != null) tar.write(content);
                tar.closeArchiveEntry();
            }
            tar.finish();
            tar.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
