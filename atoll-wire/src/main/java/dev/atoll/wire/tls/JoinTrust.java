package dev.atoll.wire.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;

/**
 * How a process that has only a join token and the CA's fingerprint learns the CA's certificate: it
 * opens a TLS connection to a site, which presents its certificate and the CA's, and accepts them only
 * when the CA's SHA-256 is the fingerprint it was given and the site's certificate is signed by it.
 * Nothing is sent; the process then joins over an ordinary {@link WireTls} connection trusting that
 * CA.
 */
public final class JoinTrust {
    private JoinTrust() {}

    /**
     * @throws IOException when the site cannot be reached, or presents no CA of that fingerprint
     */
    public static X509Certificate fetchCa(InetSocketAddress site, String fingerprint, Duration timeout)
            throws IOException {
        String wanted = normalize(fingerprint);
        AtomicReference<X509Certificate> seen = new AtomicReference<>();
        SSLContext context;
        try {
            context = SSLContext.getInstance(CloudIdentity.PROTOCOL);
            context.init(null, new javax.net.ssl.TrustManager[] {new Pinned(wanted, seen)}, new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK speaks " + CloudIdentity.PROTOCOL, e);
        }
        Socket plain = new Socket();
        try {
            plain.connect(site, Math.toIntExact(timeout.toMillis()));
            plain.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            try (SSLSocket ssl = (SSLSocket)
                    context.getSocketFactory().createSocket(plain, site.getHostString(), site.getPort(), true)) {
                ssl.setEnabledProtocols(new String[] {CloudIdentity.PROTOCOL});
                ssl.startHandshake();
            }
        } catch (IOException e) {
            plain.close();
            throw new IOException("cannot learn the cloud CA from " + site + ": " + e.getMessage(), e);
        }
        return seen.get();
    }

    /** Lower case, without the colons some tools print between bytes. */
    public static String normalize(String fingerprint) {
        return fingerprint.replace(":", "").trim().toLowerCase(Locale.ROOT);
    }

    private record Pinned(String fingerprint, AtomicReference<X509Certificate> seen) implements X509TrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length < 2) {
                throw new CertificateException("the site did not present the CA's certificate");
            }
            X509Certificate ca = chain[chain.length - 1];
            if (!Certificates.fingerprint(ca).equals(fingerprint)) {
                throw new CertificateException(
                        "the site's CA has fingerprint " + Certificates.fingerprint(ca) + ", not " + fingerprint);
            }
            try {
                chain[0].verify(ca.getPublicKey());
                ca.verify(ca.getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new CertificateException("the site's certificate is not signed by the CA it presents");
            }
            seen.set(ca);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("only for connecting");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
