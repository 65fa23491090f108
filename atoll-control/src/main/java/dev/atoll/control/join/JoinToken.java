package dev.atoll.control.join;

import dev.atoll.wire.tls.PeerRole;
import java.time.Instant;

/**
 * A one-time join token as a site keeps it in its Raft log: the SHA-256 of its secret (hex), never
 * the secret, what it lets its holder become, until when, and whether it was used.
 *
 * @param role what the holder's certificate will say: a site controller or a node agent
 * @param site for an agent token, the site the agent joins (only that site accepts it); for a site
 *     token, the only site name it may take, or null for any
 * @param usedAt when it was consumed; null while unused (a token works once)
 * @param usedBy the name the certificate was issued to
 */
public record JoinToken(
        String id,
        PeerRole role,
        String site,
        String secretHash,
        Instant createdAt,
        Instant expiresAt,
        Instant usedAt,
        String usedBy) {

    public boolean used() {
        return usedAt != null;
    }

    JoinToken usedAt(Instant at, String by) {
        return new JoinToken(id, role, site, secretHash, createdAt, expiresAt, at, by);
    }
}
