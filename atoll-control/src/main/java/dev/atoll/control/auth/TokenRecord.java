package dev.atoll.control.auth;

import dev.atoll.model.auth.Role;
import dev.atoll.model.auth.TokenView;
import java.time.Instant;

/**
 * A token as the cloud keeps it: the SHA-256 of its secret (hex), never the secret. {@code
 * revokedAt} is null while it works; once set it stays set (see {@link AuthRecords#merge}).
 */
public record TokenRecord(
        String id, String tenant, Role role, String name, String secretHash, Instant createdAt, Instant revokedAt) {

    public boolean revoked() {
        return revokedAt != null;
    }

    public TokenRecord revokedAt(Instant at) {
        return new TokenRecord(id, tenant, role, name, secretHash, createdAt, at);
    }

    public TokenView view() {
        return new TokenView(id, tenant, role, name, createdAt, revokedAt);
    }

    /**
     * The same token as two sites know it: the earlier creation and revocation win, so merging in any
     * order gives the same record, and a revocation is never undone.
     */
    TokenRecord mergedWith(TokenRecord other) {
        Instant created = createdAt.isAfter(other.createdAt) ? other.createdAt : createdAt;
        Instant revoked = revokedAt == null
                ? other.revokedAt
                : other.revokedAt == null || revokedAt.isBefore(other.revokedAt) ? revokedAt : other.revokedAt;
        return new TokenRecord(id, tenant, role, name, secretHash, created, revoked);
    }
}
