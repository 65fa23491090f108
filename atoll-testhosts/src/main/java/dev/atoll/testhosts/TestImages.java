package dev.atoll.testhosts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Images that tests build themselves, since no registry is reachable: an OCI image layout archive
 * whose one layer is Debian's static busybox with its applets as links.
 */
public final class TestImages {
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    static final List<String> APPLETS = List.of(
            "sh",
            "echo",
            "cat",
            "sleep",
            "ls",
            "id",
            "mount",
            "poweroff",
            "httpd",
            "nc",
            "wget",
            "hostname",
            "env",
            "ip",
            "insmod",
            "nslookup");

    private TestImages() {}

    public static boolean busyboxPresent() {
        return Files.isExecutable(BUSYBOX);
    }

    /**
     * Writes an OCI image layout tar to {@code archive}, named {@code name} (NAME:TAG), whose default
     * command is {@code cmd}. Returns the manifest's digest.
     */
    public static String busyboxLayout(Path archive, String name, List<String> cmd) throws IOException {
        return busyboxLayout(archive, name, cmd, 0);
    }

    /** The same with {@code ballast} bytes of random data in /ballast, for an image worth transferring. */
    public static String busyboxLayout(Path archive, String name, List<String> cmd, int ballast) throws IOException {
        byte[] busybox = Files.readAllBytes(BUSYBOX);
        byte[] random = new byte[ballast];
        new java.util.Random(ballast).nextBytes(random);
        return layout(archive, name, cmd, tar -> {
            if (ballast > 0) tar.file("ballast", 0644, random);
            tar.directory("bin", 0755);
            tar.file("bin/busybox", 0755, busybox);
            for (String applet : APPLETS) tar.symlink("bin/" + applet, "busybox");
            for (String dir : List.of("etc", "tmp", "proc", "sys", "dev", "www")) tar.directory(dir, 0755);
            tar.file("www/index.html", 0644, "hello from an atoll image\n".getBytes(StandardCharsets.UTF_8));
        });
    }

    /** The same with a one-layer root filesystem of the caller's making (tests that run nothing). */
    public static String layout(Path archive, String name, List<String> cmd, TarWriter.Consumer rootfs)
            throws IOException {
        byte[] layer = TarWriter.of(rootfs);
        String layerDigest = sha256(layer);
        String config = """
                {"architecture":"amd64","os":"linux",
                 "config":{"Env":["PATH=/bin"],"Cmd":%s,"WorkingDir":"/"},
                 "rootfs":{"type":"layers","diff_ids":["%s"]}}""".formatted(json(cmd), layerDigest);
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        String configDigest = sha256(configBytes);
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}]}""".formatted(configDigest, configBytes.length, layerDigest, layer.length);
        byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
        String manifestDigest = sha256(manifestBytes);
        String index = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
                 "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,
                   "annotations":{"org.opencontainers.image.ref.name":"%s"},
                   "platform":{"architecture":"amd64","os":"linux"}}]}""".formatted(manifestDigest, manifestBytes.length, name);
        Files.write(archive, TarWriter.of(tar -> {
            tar.file("oci-layout", 0644, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            tar.file("index.json", 0644, index.getBytes(StandardCharsets.UTF_8));
            tar.directory("blobs", 0755);
            tar.directory("blobs/sha256", 0755);
            tar.file(blobPath(layerDigest), 0644, layer);
            tar.file(blobPath(configDigest), 0644, configBytes);
            tar.file(blobPath(manifestDigest), 0644, manifestBytes);
        }));
        return manifestDigest;
    }

    private static String blobPath(String digest) {
        return "blobs/sha256/" + digest.substring("sha256:".length());
    }

    private static String json(List<String> strings) {
        var sb = new StringBuilder("[");
        for (String s : strings) {
            if (sb.length() > 1) sb.append(',');
            sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.append(']').toString();
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
