package dev.atoll.wire.tls;

import dev.atoll.wire.CallFailedException;
import dev.atoll.wire.Failures;
import dev.atoll.wire.Hello;
import dev.atoll.wire.WireCaller;
import dev.atoll.wire.WireSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The joining side: a process with a join token and the CA's fingerprint makes its key pair (in
 * memory, then in its data dir; it never leaves), learns the CA from a site ({@link JoinTrust}),
 * sends its CSR and token over TLS ({@link JoinCalls}), and saves what comes back. The next start
 * finds the certificate in the data dir and joins no more.
 */
public final class Enrollment {
    /** What a controller that does not lead its site answers (SiteCalls.NOT_LEADER in atoll-control). */
    private static final String NOT_LEADER = "not the leader of its site";

    private Enrollment() {}

    /** What a process joined with: its identity and, for a site, the CA (so it signs its agents). */
    public record Joined(CloudIdentity identity, Optional<CertificateAuthority> ca) {}

    /**
     * Joins through the first of {@code sites} that answers.
     *
     * @throws IllegalStateException with the site's reason when every site refused or none answered
     */
    public static Joined join(
            Path dataDir,
            List<InetSocketAddress> sites,
            String token,
            String caFingerprint,
            PeerRole role,
            String name,
            Hello hello,
            TlsRefusals refusals,
            Duration timeout) {
        KeyPair pair = Certificates.newKeyPair();
        String csr = Pem.encode("CERTIFICATE REQUEST", Certificates.csr(pair, name));
        String method = role == PeerRole.SITE ? JoinCalls.JOIN_SITE : JoinCalls.JOIN_AGENT;
        StringBuilder failures = new StringBuilder();
        for (InetSocketAddress site : sites) {
            X509Certificate ca;
            try {
                ca = JoinTrust.fetchCa(site, caFingerprint, timeout);
            } catch (IOException e) {
                failures.append("\n  ").append(site).append(": ").append(e.getMessage());
                continue;
            }
            CloudIdentity anonymous = new CloudIdentity(ca, null, java.time.Clock.systemUTC(), refusals);
            try (WireCaller caller = new WireCaller(
                    "site at " + site,
                    site,
                    hello,
                    WireSettings.defaults(),
                    4,
                    WireTls.accepting(anonymous, PeerRole.SITE))) {
                byte[] answer = caller.call(
                                method, JoinCalls.write(new JoinCalls.JoinRequest(token, name, csr)), timeout)
                        .join();
                JoinCalls.JoinAnswer joined = JoinCalls.readAnswer(answer);
                X509Certificate certificate = Pem.parseCertificate(joined.certificate());
                Credentials credentials = new Credentials(pair.getPrivate(), certificate);
                CloudIdentity identity = new CloudIdentity(ca, credentials, java.time.Clock.systemUTC(), refusals);
                CloudIdentity.save(dataDir, ca, credentials);
                Optional<CertificateAuthority> authority = Optional.empty();
                if (!joined.caKey().isEmpty()) {
                    CertificateAuthority signing = new CertificateAuthority(Pem.parsePrivateKey(joined.caKey()), ca);
                    signing.save(CloudIdentity.directoryIn(dataDir));
                    authority = Optional.of(signing);
                }
                return new Joined(identity, authority);
            } catch (RuntimeException e) {
                Throwable cause = Failures.unwrap(e);
                if (cause instanceof CallFailedException f
                        && f.reason() == CallFailedException.Reason.REFUSED
                        // A follower controller of a site sends joiners to its leader: try the next address.
                        && !String.valueOf(f.getMessage()).contains(NOT_LEADER)) {
                    // A refusal (token used, expired, bad CSR) will not change at another site.
                    throw new IllegalStateException("joining refused: " + f.getMessage(), f);
                }
                failures.append("\n  ").append(site).append(": ").append(cause.getMessage());
            }
        }
        throw new IllegalStateException("could not join through any site:" + failures);
    }

    /** Whether {@code dataDir} holds a certificate from an earlier join (or {@code atoll init}). */
    public static boolean joinedBefore(Path dataDir) {
        return CloudIdentity.savedIn(dataDir);
    }

    /**
     * Whether {@code dataDir} holds a certificate that is still valid for a while: one that expired
     * (the process was stopped longer than its lifetime) cannot renew over a connection it can no
     * longer open, so the process joins again.
     */
    public static boolean validIn(Path dataDir, java.time.Instant now) {
        if (!joinedBefore(dataDir)) return false;
        return CloudIdentity.load(dataDir).credentials().notAfter().isAfter(now.plus(Duration.ofMinutes(1)));
    }

    /** The identity saved in {@code dataDir}, and the CA when the data dir holds its key (a site). */
    public static Joined load(Path dataDir, TlsRefusals refusals) {
        CloudIdentity.Saved saved = CloudIdentity.load(dataDir);
        CloudIdentity identity =
                new CloudIdentity(saved.ca(), saved.credentials(), java.time.Clock.systemUTC(), refusals);
        Path dir = CloudIdentity.directoryIn(dataDir);
        Optional<CertificateAuthority> ca =
                CertificateAuthority.existsIn(dir) ? Optional.of(CertificateAuthority.load(dir)) : Optional.empty();
        return new Joined(identity, ca);
    }

    /** Rejects a fingerprint that is not 64 hex digits (colons allowed), naming the flag. */
    public static String checkFingerprint(String flag, String fingerprint) {
        String normal = JoinTrust.normalize(fingerprint);
        if (!normal.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                    flag + ": \"" + fingerprint + "\" is not a SHA-256 fingerprint (64 hex digits)");
        }
        return normal;
    }
}
