package dev.atoll.cli.site;

import dev.atoll.control.auth.AuthRecords;
import dev.atoll.control.auth.TokenRecord;
import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.auth.BearerTokens;
import dev.atoll.model.auth.Role;
import dev.atoll.model.auth.Tenants;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/**
 * The first cloud admin's token, kept in a file readable by its owner only: `atoll dev` and `atoll
 * site --admin-token-file` make it when the file is missing and register it in the cloud (its hash,
 * as every token) so that someone can create tenants and other tokens. Registering is a merge, so
 * every site of a cloud may register the same file.
 */
public final class AdminToken {
    public static final String NAME = "bootstrap admin";

    private AdminToken() {}

    /** The token in {@code file}, or a new one written there when it has none. */
    public static String readOrCreate(Path file, SecureRandom random) throws IOException {
        Optional<String> existing = read(file);
        if (existing.isPresent()) return existing.get();
        String token = BearerTokens.generate(random);
        write(file, token);
        return token;
    }

    public static Optional<String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return Optional.empty();
        String text = Files.readString(file).strip();
        return BearerTokens.parse(text).isPresent() ? Optional.of(text) : Optional.empty();
    }

    public static void write(Path file, String token) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, token + "\n");
    }

    /**
     * Registers {@code token} as an admin of the cloud's own tenant. Answers false when the cloud
     * knows it as revoked: whoever revoked it meant it, so it is not brought back.
     */
    public static boolean register(CloudApi cloud, String token, Clock clock) {
        var presented = BearerTokens.parse(token).orElseThrow();
        var known = cloud.authRecords().token(presented.id());
        if (known.isPresent()) return !known.get().revoked();
        cloud.changeAuth(AuthRecords.ofToken(new TokenRecord(
                presented.id(),
                Tenants.CLOUD_TENANT,
                Role.ADMIN,
                NAME,
                BearerTokens.hash(presented.secret()),
                clock.instant(),
                null)));
        return true;
    }

    /**
     * The working admin token of {@code file}: registered, or replaced by a new one (written to the
     * file) when the one there was revoked.
     */
    public static String ensure(CloudApi cloud, Path file, Clock clock, SecureRandom random) throws IOException {
        String token = readOrCreate(file, random);
        if (register(cloud, token, clock)) return token;
        String fresh = BearerTokens.generate(random);
        write(file, fresh);
        register(cloud, fresh, clock);
        return fresh;
    }
}
