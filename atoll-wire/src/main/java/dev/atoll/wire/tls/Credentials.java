package dev.atoll.wire.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/** A process' own private key and the certificate the cloud CA signed for it. */
public record Credentials(PrivateKey key, X509Certificate certificate) {
    public Credentials {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
    }

    public Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** When to renew: at two thirds of the certificate's lifetime. */
    public Instant renewAt() {
        long lifetime = notAfter().toEpochMilli() - notBefore().toEpochMilli();
        return notBefore().plusMillis(lifetime * 2 / 3);
    }
}
