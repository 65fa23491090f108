package dev.atoll.wire.tls;

/** Why a peer's connection or call was refused; the label of {@code atoll_tls_refused_total}. */
public enum RefusalReason {
    /** It presented no certificate where one is needed. */
    NO_CERTIFICATE("no-certificate"),
    /** Its certificate was not signed by this cloud's CA, or names no role. */
    UNKNOWN_CA("unknown-ca"),
    /** Its certificate has expired (or is not valid yet). */
    EXPIRED("expired"),
    /** Its certificate's role is not allowed here (an agent speaking Raft). */
    WRONG_ROLE("wrong-role"),
    /** The TLS handshake failed otherwise (not TLS, an old version, a broken connection). */
    HANDSHAKE("handshake");

    private final String label;

    RefusalReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
