package dev.atoll.testhosts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a POSIX ustar archive: enough for tests to build image layers and image archives of their
 * own (regular files, directories, symbolic links; names up to 100 bytes).
 */
public final class TarWriter implements AutoCloseable {
    private final OutputStream out;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    public static byte[] of(Consumer entries) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var tar = new TarWriter(bytes)) {
            entries.write(tar);
        }
        return bytes.toByteArray();
    }

    @FunctionalInterface
    public interface Consumer {
        void write(TarWriter tar) throws IOException;
    }

    public TarWriter directory(String name, int mode) throws IOException {
        header(name.endsWith("/") ? name : name + "/", mode, 0, '5', "");
        return this;
    }

    public TarWriter file(String name, int mode, byte[] content) throws IOException {
        header(name, mode, content.length, '0', "");
        out.write(content);
        pad(content.length);
        return this;
    }

    public TarWriter symlink(String name, String target) throws IOException {
        header(name, 0777, 0, '2', target);
        return this;
    }

    private void header(String name, int mode, long size, char type, String link) throws IOException {
        byte[] h = new byte[512];
        put(h, 0, 100, name);
        put(h, 100, 8, octal(mode, 7));
        put(h, 108, 8, octal(0, 7));
        put(h, 116, 8, octal(0, 7));
        put(h, 124, 12, octal(size, 11));
        put(h, 136, 12, octal(0, 11));
        for (int i = 148; i < 156; i++) h[i] = ' ';
        h[156] = (byte) type;
        put(h, 157, 100, link);
        put(h, 257, 6, "ustar");
        put(h, 263, 2, "00");
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        put(h, 148, 8, octal(sum, 6) + "\0 ");
        out.write(h);
    }

    private static String octal(long value, int digits) {
        String s = Long.toOctalString(value);
        return "0".repeat(Math.max(0, digits - s.length())) + s;
    }

    private static void put(byte[] h, int at, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > len) throw new IllegalArgumentException("'" + s + "' is longer than " + len + " bytes");
        System.arraycopy(b, 0, h, at, b.length);
    }

    private void pad(long size) throws IOException {
        int rest = (int) (size % 512);
        if (rest != 0) out.write(new byte[512 - rest]);
    }

    @Override
    public void close() throws IOException {
        out.write(new byte[1024]);
        out.flush();
    }
}
