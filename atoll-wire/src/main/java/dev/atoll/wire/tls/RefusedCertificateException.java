package dev.atoll.wire.tls;

import java.security.cert.CertificateException;

/** A peer's certificate does not pass this cloud's checks; the reason is counted and logged. */
public final class RefusedCertificateException extends CertificateException {
    private final RefusalReason reason;

    public RefusedCertificateException(RefusalReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RefusalReason reason() {
        return reason;
    }

    /** The refusal somewhere in the causes of {@code failure} (a handshake wraps it), if any. */
    public static java.util.Optional<RefusedCertificateException> in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RefusedCertificateException r) return java.util.Optional.of(r);
        }
        return java.util.Optional.empty();
    }
}
