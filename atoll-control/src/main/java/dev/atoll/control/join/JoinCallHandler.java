package dev.atoll.control.join;

import dev.atoll.control.site.SiteCommand;
import dev.atoll.model.auth.BearerTokens;
import dev.atoll.wire.CallFailedException;
import dev.atoll.wire.tls.CertificateAuthority;
import dev.atoll.wire.tls.JoinCalls;
import dev.atoll.wire.tls.PeerIdentity;
import dev.atoll.wire.tls.PeerRole;
import dev.atoll.wire.tls.Pem;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A site's side of {@link JoinCalls}: signs the CSR of a process that presents a valid join token
 * (consumed in the site's Raft log, so it works once), and renews the certificate of a process
 * over its authenticated connection (same role and name as its current certificate). A bad CSR or
 * name is refused before the token is consumed, so the token still works once the process is fixed.
 */
public final class JoinCallHandler {
    /** Node and site names: what the rest of Atoll accepts as one. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** A certificate starts a little in the past: clocks of two machines disagree a little. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private final String site;
    private final CertificateAuthority ca;
    private final Function<SiteCommand, CompletableFuture<Object>> log;
    private final Clock clock;
    private final Duration lifetime;

    /**
     * @param log submits a command to the site's Raft log; completes with its response
     * @param lifetime of the certificates signed here
     */
    public JoinCallHandler(
            String site,
            CertificateAuthority ca,
            Function<SiteCommand, CompletableFuture<Object>> log,
            Clock clock,
            Duration lifetime) {
        this.site = site;
        this.ca = ca;
        this.log = log;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public static boolean serves(String method) {
        return method.startsWith("join.");
    }

    public CompletableFuture<byte[]> handle(Optional<PeerIdentity> peer, String method, byte[] body) {
        try {
            return switch (method) {
                case JoinCalls.JOIN_SITE -> join(PeerRole.SITE, JoinCalls.readRequest(body));
                case JoinCalls.JOIN_AGENT -> join(PeerRole.AGENT, JoinCalls.readRequest(body));
                case JoinCalls.RENEW -> renew(peer, JoinCalls.read(body, 1)[0]);
                default ->
                    CompletableFuture.failedFuture(new CallFailedException(
                            CallFailedException.Reason.UNKNOWN_METHOD, "site " + site + " does not serve " + method));
            };
        } catch (IllegalArgumentException e) {
            // What the CA says of a CSR it will not sign names the field.
            String message = String.valueOf(e.getMessage());
            return refused(message.matches("(?s)^(csr|token|name): .*") ? message : "csr: " + message);
        }
    }

    private CompletableFuture<byte[]> join(PeerRole role, JoinCalls.JoinRequest request) {
        var presented = JoinTokens.parse(request.token());
        if (presented.isEmpty()) return refused("token: not a join token (atoll-join_<id>_<secret>)");
        if (!NAME.matcher(request.name()).matches()) {
            return refused("name: \"" + request.name() + "\" is not a site or node name (a-z, 0-9, -; at most 63)");
        }
        byte[] csr = csrDer(request.csr());
        Instant now = clock.instant();
        // Checked before the token is used up: signing below cannot then fail on the CSR.
        ca.issue(csr, role, request.name(), now.minus(CLOCK_SKEW), lifetime);
        String secretHash = BearerTokens.hash(presented.get().secret());
        return log.apply(new SiteCommand.ConsumeJoinToken(
                        presented.get().id(), secretHash, role, site, request.name(), now))
                .thenApply(response -> switch ((JoinTokenUse) response) {
                    case JoinTokenUse.Refused r ->
                        throw new CallFailedException(CallFailedException.Reason.REFUSED, r.reason());
                    case JoinTokenUse.Accepted a -> {
                        X509Certificate cert = ca.issue(csr, role, request.name(), now.minus(CLOCK_SKEW), lifetime);
                        yield JoinCalls.write(new JoinCalls.JoinAnswer(
                                Pem.certificate(cert),
                                Pem.certificate(ca.certificate()),
                                // A site signs its own agents' certificates.
                                role == PeerRole.SITE ? Pem.privateKey(ca.key()) : ""));
                    }
                });
    }

    private CompletableFuture<byte[]> renew(Optional<PeerIdentity> peer, String csrPem) {
        if (peer.isEmpty()) return refused("renewing needs the certificate being renewed");
        X509Certificate cert = ca.issue(
                csrDer(csrPem),
                peer.get().role(),
                peer.get().name(),
                clock.instant().minus(CLOCK_SKEW),
                lifetime);
        return CompletableFuture.completedFuture(JoinCalls.write(Pem.certificate(cert)));
    }

    private static byte[] csrDer(String pem) {
        try {
            return Pem.decode("CERTIFICATE REQUEST", pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("csr: " + e.getMessage(), e);
        }
    }

    private static CompletableFuture<byte[]> refused(String reason) {
        return CompletableFuture.failedFuture(new CallFailedException(CallFailedException.Reason.REFUSED, reason));
    }
}
