package dev.atoll.model.auth;

import java.time.Instant;

/** A tenant: an owner of environments, networks, images and tokens. */
public record TenantView(String name, Instant createdAt) {}
