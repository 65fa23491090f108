package dev.atoll.wire.tls;

import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * Who is at the other end of an authenticated connection, as its certificate (checked against the
 * cloud CA) says.
 *
 * @param role site or agent
 * @param name the site's or the node's name (the certificate's CN)
 * @param notAfter when the certificate expires
 */
public record PeerIdentity(PeerRole role, String name, Instant notAfter, X509Certificate certificate) {
    @Override
    public String toString() {
        return role.unit() + " " + name;
    }
}
