package dev.atoll.wire.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * How one wire endpoint uses TLS: the identity it presents and trusts ({@link CloudIdentity}), and
 * which roles of peer it accepts. A server takes connections from {@code peerRoles} only, and may
 * narrow single methods ({@code methodRoles}, by method-name prefix) or let peers without a
 * certificate call a few methods ({@code anonymousMethods}: joining, which is how a process gets its
 * first certificate), and require the certificate to name the group of the peer's HELLO ({@code
 * groupMustMatch}). A client accepts servers of {@code peerRoles}.
 *
 * <p>Every refusal is logged with the peer's address and counted in {@link CloudIdentity#refusals}.
 */
public record WireTls(
        CloudIdentity identity,
        Set<PeerRole> peerRoles,
        Set<String> anonymousMethods,
        Map<String, Set<PeerRole>> methodRoles,
        boolean groupMustMatch) {

    public WireTls {
        Objects.requireNonNull(identity, "identity");
        peerRoles = peerRoles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(peerRoles));
        anonymousMethods = Set.copyOf(anonymousMethods);
        methodRoles = Map.copyOf(methodRoles);
    }

    /** A server (or client) that accepts peers of {@code roles} only. */
    public static WireTls accepting(CloudIdentity identity, PeerRole... roles) {
        return new WireTls(identity, Set.of(roles), Set.of(), Map.of(), false);
    }

    /** The same, letting peers without a certificate call {@code methods} (and nothing else). */
    public WireTls withAnonymous(Set<String> methods) {
        return new WireTls(identity, peerRoles, methods, methodRoles, groupMustMatch);
    }

    /** The same, letting only {@code roles} call the methods whose names start with {@code prefix}. */
    public WireTls withMethod(String prefix, PeerRole... roles) {
        Map<String, Set<PeerRole>> more = new TreeMap<>(methodRoles);
        more.put(prefix, Set.of(roles));
        return new WireTls(identity, peerRoles, anonymousMethods, more, groupMustMatch);
    }

    /**
     * The same, taking only peers whose certificate names the group their HELLO names (Raft: only
     * the controllers of this very site, not another site's).
     */
    public WireTls sameGroupOnly() {
        return new WireTls(identity, peerRoles, anonymousMethods, methodRoles, true);
    }

    /**
     * Why {@code peer} (empty: no certificate) may not call {@code method}, or empty when it may.
     */
    public Optional<String> callRefusal(Optional<PeerIdentity> peer, String method) {
        if (peer.isEmpty()) {
            return anonymousMethods.contains(method)
                    ? Optional.empty()
                    : Optional.of(
                            "a peer without a certificate may call only " + new java.util.TreeSet<>(anonymousMethods));
        }
        String longest = null;
        for (String prefix : methodRoles.keySet()) {
            if (method.startsWith(prefix) && (longest == null || prefix.length() > longest.length())) longest = prefix;
        }
        Set<PeerRole> allowed = longest == null ? peerRoles : methodRoles.get(longest);
        return allowed.contains(peer.get().role())
                ? Optional.empty()
                : Optional.of(peer.get().role().unit() + " certificates may not call " + method);
    }

    /**
     * Makes {@code plain} (connected) a TLS client socket and completes the handshake, checking the
     * server's certificate and role.
     *
     * @throws IOException when the handshake fails or the server is refused; the socket is closed
     */
    public SSLSocket connect(Socket plain, InetSocketAddress address) throws IOException {
        return connect(identity.sslContext(), plain, address, this);
    }

    static SSLSocket connect(SSLContext context, Socket plain, InetSocketAddress address, WireTls policy)
            throws IOException {
        SSLSocket ssl = (SSLSocket)
                context.getSocketFactory().createSocket(plain, address.getHostString(), address.getPort(), true);
        try {
            ssl.setEnabledProtocols(new String[] {CloudIdentity.PROTOCOL});
            ssl.startHandshake();
            if (policy != null) {
                PeerIdentity server = policy.identity().verify(ssl.getSession());
                if (!policy.peerRoles().contains(server.role())) {
                    throw new RefusedCertificateException(
                            RefusalReason.WRONG_ROLE, "the server at " + address + " is a " + server);
                }
            }
            return ssl;
        } catch (RefusedCertificateException e) {
            ssl.close();
            if (policy != null)
                policy.identity().refusals().refused(String.valueOf(address), e.reason(), e.getMessage());
            throw new SSLException("refused the server at " + address + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            ssl.close();
            RefusedCertificateException.in(e).ifPresent(r -> {
                if (policy != null)
                    policy.identity().refusals().refused(String.valueOf(address), r.reason(), r.getMessage());
            });
            throw e;
        }
    }

    /** Server side: TLS 1.3, and a client certificate required unless anonymous methods exist. */
    public void configureServer(SSLSocket socket) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(new String[] {CloudIdentity.PROTOCOL});
        if (anonymousMethods.isEmpty()) {
            parameters.setNeedClientAuth(true);
        } else {
            parameters.setWantClientAuth(true);
        }
        socket.setSSLParameters(parameters);
        socket.setUseClientMode(false);
    }
}
