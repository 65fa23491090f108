package dev.atoll.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 digests as OCI writes them: {@code sha256:<64 lowercase hex>}. */
final class Digests {
    static final String PREFIX = "sha256:";
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private Digests() {}

    static boolean isDigest(String text) {
        return text != null && DIGEST.matcher(text).matches();
    }

    static boolean isHex(String text) {
        return text != null && HEX.matcher(text).matches();
    }

    /** The hex part of a digest; a malformed digest is a bug of the caller. */
    static String hex(String digest) {
        if (!isDigest(digest)) {
            throw new IllegalArgumentException(
                    "'" + digest + "' is not a digest: expected sha256: and 64 lowercase hex");
        }
        return digest.substring(PREFIX.length());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static String of(MessageDigest finished) {
        return PREFIX + HexFormat.of().formatHex(finished.digest());
    }

    static String of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    static String of(byte[] bytes, int offset, int length) {
        var md = sha256();
        md.update(bytes, offset, length);
        return of(md);
    }
}
