package dev.atoll.wire.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * This process as the cloud knows it: the cloud CA it trusts (and nothing else), and its own key
 * and certificate, if it has one yet (a process about to join has none). Its {@link #sslContext}
 * serves every TLS connection of the process, server and client side: TLS 1.3, the peer's chain
 * must lead to the cloud CA and be valid now.
 *
 * <p>Rotation: {@link #rotate} swaps the credentials in place. The context asks for them at every
 * handshake, so new connections present the new certificate at once and nothing restarts;
 * connections already open keep the session they negotiated.
 */
public final class CloudIdentity {
    public static final String PROTOCOL = "TLSv1.3";
    static final String TLS_DIR = "tls";
    private static final int NO_TICKETS_SECONDS = 7 * 24 * 3600 + 1;
    static final String KEY_FILE = "node.key";
    static final String CERTIFICATE_FILE = "node.crt";

    private final X509Certificate ca;
    private final Clock clock;
    private final TlsRefusals refusals;
    private final AtomicReference<Generation> current = new AtomicReference<>();
    /** The key of every generation still named by a session's alias (bounded: the last few). */
    private final Map<String, Credentials> byAlias = new ConcurrentHashMap<>();

    private final AtomicLong generations = new AtomicLong();
    private final SSLContext context;

    private record Generation(String alias, Credentials credentials) {}

    /**
     * @param ca the cloud CA's certificate: the only trust anchor
     * @param credentials this process' key and certificate; null while it has none (joining)
     * @param clock what "now" is for expiry checks (tests pass a fixed one)
     */
    public CloudIdentity(X509Certificate ca, Credentials credentials, Clock clock, TlsRefusals refusals) {
        this.ca = Objects.requireNonNull(ca, "ca");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
        if (credentials != null) rotate(credentials);
        try {
            context = SSLContext.getInstance(PROTOCOL);
            context.init(
                    new javax.net.ssl.KeyManager[] {new CurrentKey()},
                    new javax.net.ssl.TrustManager[] {new CloudTrust()},
                    new SecureRandom());
            // No session resumption: a resumed session carries the certificates of the first
            // handshake, which may have been renewed (or expired) since; every connection is checked
            // afresh. The JDK sends no TLS 1.3 session tickets when the server session timeout
            // exceeds the longest ticket lifetime (7 days), so none is ever resumed.
            context.getServerSessionContext().setSessionTimeout(NO_TICKETS_SECONDS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK speaks " + PROTOCOL, e);
        }
    }

    public CloudIdentity(X509Certificate ca, Credentials credentials) {
        this(ca, credentials, Clock.systemUTC(), new TlsRefusals());
    }

    public X509Certificate ca() {
        return ca;
    }

    public String caFingerprint() {
        return Certificates.fingerprint(ca);
    }

    public Clock clock() {
        return clock;
    }

    public TlsRefusals refusals() {
        return refusals;
    }

    public SSLContext sslContext() {
        return context;
    }

    /** This process' credentials now, if it has any. */
    public Optional<Credentials> credentials() {
        Generation g = current.get();
        return g == null ? Optional.empty() : Optional.of(g.credentials());
    }

    /** Who this process is (role and name of its certificate), if it has one. */
    public Optional<PeerIdentity> self() {
        return credentials().map(c -> identityOf(c.certificate()));
    }

    /**
     * Presents {@code fresh} on every connection from now on.
     *
     * @throws IllegalArgumentException when the certificate is not signed by this cloud's CA
     */
    public void rotate(Credentials fresh) {
        try {
            fresh.certificate().verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the certificate is not signed by this cloud's CA", e);
        }
        present(fresh);
    }

    /** Presents {@code fresh} unchecked: {@link #rotate} checks it first; tests forge intruders. */
    void present(Credentials fresh) {
        String alias = "atoll-" + generations.incrementAndGet();
        byAlias.put(alias, fresh);
        // A handshake may have chosen the previous alias a moment ago; keep a few.
        byAlias.keySet().removeIf(a -> Long.parseLong(a.substring(6)) < generations.get() - 3);
        current.set(new Generation(alias, fresh));
    }

    /**
     * Checks a peer's chain: signed by the cloud CA, valid now, naming a role.
     *
     * @throws RefusedCertificateException with the reason
     */
    public PeerIdentity verify(Certificate[] chain) throws RefusedCertificateException {
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            throw new RefusedCertificateException(RefusalReason.NO_CERTIFICATE, "no certificate");
        }
        try {
            leaf.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new RefusedCertificateException(
                    RefusalReason.UNKNOWN_CA,
                    "certificate of " + leaf.getSubjectX500Principal().getName() + " is not signed by this cloud's CA");
        }
        Instant now = clock.instant();
        if (now.isAfter(leaf.getNotAfter().toInstant())
                || now.isBefore(leaf.getNotBefore().toInstant())) {
            throw new RefusedCertificateException(
                    RefusalReason.EXPIRED,
                    "certificate of " + leaf.getSubjectX500Principal().getName() + " is valid from "
                            + leaf.getNotBefore().toInstant() + " to "
                            + leaf.getNotAfter().toInstant()
                            + ", not at " + now);
        }
        PeerRole.Subject subject = PeerRole.subjectOf(leaf)
                .orElseThrow(() -> new RefusedCertificateException(
                        RefusalReason.UNKNOWN_CA, "certificate names no atoll role (OU) and name (CN)"));
        return new PeerIdentity(
                subject.role(), subject.name(), leaf.getNotAfter().toInstant(), leaf);
    }

    /** The identity of a session's peer, checked again (a resumed session skips the trust manager). */
    public PeerIdentity verify(SSLSession session) throws RefusedCertificateException {
        try {
            return verify(session.getPeerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            throw new RefusedCertificateException(RefusalReason.NO_CERTIFICATE, "no certificate");
        }
    }

    private static PeerIdentity identityOf(X509Certificate cert) {
        PeerRole.Subject s = PeerRole.subjectOf(cert).orElseThrow();
        return new PeerIdentity(s.role(), s.name(), cert.getNotAfter().toInstant(), cert);
    }

    // --- files in a data dir -----------------------------------------------------------------------

    /** Where a process keeps its key, certificate and the CA's certificate: DATA_DIR/tls. */
    public static Path directoryIn(Path dataDir) {
        return dataDir.resolve(TLS_DIR);
    }

    /** Whether {@code dataDir} holds a key and certificate saved by {@link #save}. */
    public static boolean savedIn(Path dataDir) {
        Path dir = directoryIn(dataDir);
        return Files.isRegularFile(dir.resolve(KEY_FILE))
                && Files.isRegularFile(dir.resolve(CERTIFICATE_FILE))
                && Files.isRegularFile(dir.resolve(CertificateAuthority.CERTIFICATE_FILE));
    }

    /** Writes the CA's certificate and this process' key (owner only) and certificate. */
    public static void save(Path dataDir, X509Certificate ca, Credentials credentials) {
        Path dir = directoryIn(dataDir);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(CertificateAuthority.CERTIFICATE_FILE), Pem.certificate(ca));
            Certificates.writePrivate(dir.resolve(KEY_FILE), Pem.privateKey(credentials.key()));
            Path tmp = dir.resolve(CERTIFICATE_FILE + ".tmp");
            Files.writeString(tmp, Pem.certificate(credentials.certificate()));
            Files.move(
                    tmp,
                    dir.resolve(CERTIFICATE_FILE),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the certificate in " + dir + ": " + e, e);
        }
    }

    /** The CA certificate and credentials {@link #save} wrote. */
    public static Saved load(Path dataDir) {
        Path dir = directoryIn(dataDir);
        try {
            X509Certificate ca =
                    Pem.parseCertificate(Files.readString(dir.resolve(CertificateAuthority.CERTIFICATE_FILE)));
            PrivateKey key = Pem.parsePrivateKey(Files.readString(dir.resolve(KEY_FILE)));
            X509Certificate cert = Pem.parseCertificate(Files.readString(dir.resolve(CERTIFICATE_FILE)));
            return new Saved(ca, new Credentials(key, cert));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the certificate in " + dir + ": " + e, e);
        }
    }

    public record Saved(X509Certificate ca, Credentials credentials) {}

    // --- what the TLS stack asks ---------------------------------------------------------------

    /** Hands the TLS stack whichever credentials are current when a handshake asks. */
    private final class CurrentKey extends X509ExtendedKeyManager {
        private String alias(String keyType) {
            Generation g = current.get();
            if (g == null) return null;
            return keyType == null || keyType.startsWith("EC") ? g.alias() : null;
        }

        private String alias(String[] keyTypes) {
            if (keyTypes == null) return alias((String) null);
            for (String t : keyTypes) {
                String a = alias(t);
                if (a != null) return a;
            }
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            String a = alias(keyType);
            return a == null ? null : new String[] {a};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias(keyType);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias(keyType);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return alias(keyType);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return alias(keyType);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Credentials c = alias == null ? null : byAlias.get(alias);
            return c == null ? null : new X509Certificate[] {c.certificate(), ca};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Credentials c = alias == null ? null : byAlias.get(alias);
            return c == null ? null : c.key();
        }
    }

    /** Trusts exactly the chains {@link #verify} accepts, on both sides. */
    private final class CloudTrust extends X509ExtendedTrustManager {
        private void check(X509Certificate[] chain) throws CertificateException {
            verify(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[] {ca};
        }
    }
}
