package dev.atoll.model.auth;

import java.time.Instant;

/**
 * A token as listed: never its secret, which is shown once when it is created and kept only as a
 * hash. {@code revokedAt} is null while the token works.
 */
public record TokenView(String id, String tenant, Role role, String name, Instant createdAt, Instant revokedAt) {}
