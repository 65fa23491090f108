package dev.atoll.cli.site;

import dev.atoll.wire.Hello;
import dev.atoll.wire.tls.CertificateAuthority;
import dev.atoll.wire.tls.Certificates;
import dev.atoll.wire.tls.CloudIdentity;
import dev.atoll.wire.tls.Enrollment;
import dev.atoll.wire.tls.PeerRole;
import dev.atoll.wire.tls.TlsRefusals;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A site controller's place in the cloud's PKI: its certificate (role site, CN the site's name) and
 * the CA, whose key every site holds so it signs its own agents' CSRs and renews its own certificate.
 *
 * @param lifetime of the certificates this site signs (its own and its agents')
 */
public record SiteIdentity(CloudIdentity identity, CertificateAuthority ca, Duration lifetime) {
    /** Certificates live a day unless told otherwise; they renew at two thirds of that. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);

    /**
     * Where a site's certificate comes from, in order: its data dir (an earlier start), the CA of
     * {@code atoll init} ({@code caDir}: the site signs its own), a join token (a site of {@code join}
     * signs it); else empty: the site speaks plain TCP, as before TLS.
     *
     * @throws IllegalArgumentException naming the flag when what was given does not fit
     */
    public static Optional<SiteIdentity> establish(
            String site,
            Path dataDir,
            Path caDir,
            String joinToken,
            String caFingerprint,
            List<InetSocketAddress> join,
            Duration lifetime,
            TlsRefusals refusals) {
        if (Enrollment.joinedBefore(dataDir)) {
            Enrollment.Joined saved = Enrollment.load(dataDir, refusals);
            if (saved.ca().isEmpty()) {
                throw new IllegalArgumentException(
                        "--data-dir " + dataDir + ": holds a certificate but not the CA's key");
            }
            if (!Enrollment.validIn(dataDir, Instant.now())) {
                // Stopped longer than its certificate's lifetime: the site holds the CA, so it signs a
                // new one before it opens a port, rather than greet its peers with an expired one.
                var credentials = saved.ca()
                        .get()
                        .issueFor(
                                Certificates.newKeyPair(),
                                PeerRole.SITE,
                                site,
                                Instant.now().minus(Duration.ofMinutes(1)),
                                lifetime);
                CloudIdentity.save(dataDir, saved.ca().get().certificate(), credentials);
                saved.identity().rotate(credentials);
            }
            return Optional.of(new SiteIdentity(saved.identity(), saved.ca().get(), lifetime));
        }
        if (caDir != null) {
            if (!CertificateAuthority.existsIn(caDir)) {
                throw new IllegalArgumentException(
                        "--ca " + caDir + ": no ca.crt and ca.key here; make them with atoll init");
            }
            CertificateAuthority ca = CertificateAuthority.load(caDir);
            var credentials = ca.issueFor(
                    Certificates.newKeyPair(),
                    PeerRole.SITE,
                    site,
                    Instant.now().minus(Duration.ofMinutes(1)),
                    lifetime);
            CloudIdentity.save(dataDir, ca.certificate(), credentials);
            ca.save(CloudIdentity.directoryIn(dataDir));
            return Optional.of(new SiteIdentity(
                    new CloudIdentity(ca.certificate(), credentials, java.time.Clock.systemUTC(), refusals),
                    ca,
                    lifetime));
        }
        if (joinToken != null) {
            if (caFingerprint == null) {
                throw new IllegalArgumentException(
                        "--ca-fingerprint: required with --join-token (atoll init prints it)");
            }
            if (join.isEmpty()) {
                throw new IllegalArgumentException("--join: required with --join-token (the sites that sign)");
            }
            String fingerprint = Enrollment.checkFingerprint("--ca-fingerprint", caFingerprint);
            Enrollment.Joined joined;
            try {
                joined = Enrollment.join(
                        dataDir,
                        join,
                        joinToken,
                        fingerprint,
                        PeerRole.SITE,
                        site,
                        Hello.of(site, site + "-joining"),
                        refusals,
                        Duration.ofSeconds(10));
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException("--join-token: " + e.getMessage(), e);
            }
            return Optional.of(new SiteIdentity(joined.identity(), joined.ca().orElseThrow(), lifetime));
        }
        if (caFingerprint != null) {
            throw new IllegalArgumentException("--ca-fingerprint: only with --join-token");
        }
        return Optional.empty();
    }
}
