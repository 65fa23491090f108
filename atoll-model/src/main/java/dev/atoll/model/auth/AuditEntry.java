package dev.atoll.model.auth;

import java.time.Instant;

/**
 * One request that tried to change something: who (tenant, token, role; empty for a request
 * without a valid token), what (method, route template, the path asked for), where (the site whose
 * API answered), when, and how it ended (HTTP status and a word: done, refused, unauthenticated,
 * forbidden, failed).
 */
public record AuditEntry(
        Instant time,
        String site,
        String tenant,
        String tokenId,
        String tokenName,
        String role,
        String method,
        String route,
        String resource,
        int status,
        String outcome) {

    /** The word for how a request ended, from its status. */
    public static String outcomeOf(int status) {
        if (status < 400) return "done";
        return switch (status) {
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            default -> status >= 500 ? "failed" : "refused";
        };
    }
}
