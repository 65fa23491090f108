package dev.atoll.wire.tls;

import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * What a certificate of the cloud lets its holder be: a site controller or a node agent. It is the
 * organizational unit (OU) of the certificate's subject, set by the CA when it signs; a peer checks
 * it against what the connection is for (an agent certificate cannot speak Raft or make offers).
 */
public enum PeerRole {
    SITE("site"),
    AGENT("agent");

    private final String unit;

    PeerRole(String unit) {
        this.unit = unit;
    }

    /** The OU value in a certificate's subject, and the word users type (`--for site`). */
    public String unit() {
        return unit;
    }

    public static Optional<PeerRole> ofUnit(String unit) {
        for (PeerRole role : values()) if (role.unit.equals(unit)) return Optional.of(role);
        return Optional.empty();
    }

    /** The role and the name (CN) in a certificate's subject; empty when either is missing. */
    static Optional<Subject> subjectOf(X509Certificate certificate) {
        try {
            String role = null;
            String name = null;
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("OU")) role = String.valueOf(rdn.getValue());
                if (rdn.getType().equalsIgnoreCase("CN")) name = String.valueOf(rdn.getValue());
            }
            if (role == null || name == null) return Optional.empty();
            String n = name;
            return ofUnit(role).map(r -> new Subject(r, n));
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }

    record Subject(PeerRole role, String name) {}
}
