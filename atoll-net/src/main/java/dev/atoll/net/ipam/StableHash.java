package dev.atoll.net.ipam;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 as a source of numbers every site computes alike: the same key gives the same numbers on
 * every JVM, release and machine, which {@link String#hashCode()} promises only by accident.
 */
final class StableHash {
    private StableHash() {}

    /** The first 8 bytes of SHA-256 of the UTF-8 key, then the next 8, as longs. */
    static long[] of(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            ByteBuffer buffer = ByteBuffer.wrap(digest);
            return new long[] {buffer.getLong(), buffer.getLong()};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }
}
