package dev.atoll.model.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a token may do inside its tenant. Each role includes the ones below it: a viewer reads; a
 * deployer also deploys, scales, deletes and imports images; an admin also manages its tenant's
 * tokens and reads its audit log. An admin of the {@link Tenants#CLOUD_TENANT cloud's own tenant}
 * is the cloud admin: it may also create tenants and manage every tenant's tokens.
 */
public enum Role {
    VIEWER,
    DEPLOYER,
    ADMIN;

    /** Whether a token of this role may do what needs {@code needed}. */
    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The name on the wire and in the CLI: lower case. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWireName(String text) {
        if (text == null) return Optional.empty();
        return Arrays.stream(values())
                .filter(r -> r.wireName().equals(text.strip().toLowerCase(Locale.ROOT)))
                .findFirst();
    }

    /** "admin, deployer, viewer": for messages that list the choices. */
    public static String choices() {
        return "admin, deployer, viewer";
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String json() {
        return wireName();
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public static Role ofJson(String text) {
        return fromWireName(text)
                .orElseThrow(() -> new IllegalArgumentException("unknown role \"" + text + "\"; one of " + choices()));
    }
}
