package dev.atoll.model.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The text of a bearer token, {@code atoll_<id>_<secret>}: the id (64 random bits, hex) names the
 * token in lists and the audit log and finds its record; the secret (256 random bits, base64url) is
 * what proves it. Only the SHA-256 of the secret is stored; a presented secret is hashed and
 * compared in constant time.
 */
public final class BearerTokens {
    private static final String PREFIX = "atoll_";
    private static final Pattern TEXT = Pattern.compile("atoll_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");

    private BearerTokens() {}

    /** A token as presented: its id and secret. */
    public record Presented(String id, String secret) {
        @Override
        public String toString() {
            return "token " + id; // never the secret, not even in a log line
        }
    }

    /** A new token's text, drawn from {@code random} (a SecureRandom in production). */
    public static String generate(SecureRandom random) {
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        random.nextBytes(id);
        random.nextBytes(secret);
        return PREFIX + HexFormat.of().formatHex(id) + "_"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The id and secret of a token's text, or empty when it is not one. */
    public static Optional<Presented> parse(String text) {
        if (text == null) return Optional.empty();
        var m = TEXT.matcher(text.strip());
        return m.matches() ? Optional.of(new Presented(m.group(1), m.group(2))) : Optional.empty();
    }

    /** The hex SHA-256 of a secret: what the cloud keeps. */
    public static String hash(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Whether {@code secret} hashes to {@code storedHash}, in time that does not depend on where they differ. */
    public static boolean matches(String secret, String storedHash) {
        byte[] presented = hash(secret).getBytes(StandardCharsets.US_ASCII);
        byte[] stored = storedHash.getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(presented, stored);
    }
}
