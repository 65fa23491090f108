package dev.atoll.wire.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * The cloud's certificate authority: an EC P-256 key and its self-signed certificate, made once by
 * {@code atoll init}. It signs the certificates of sites and agents from their CSRs (their keys never
 * leave them), writing the role into the subject's OU and the name into its CN.
 */
public final class CertificateAuthority {
    /** A CA outlives every certificate it signs by far; the cloud replaces it by hand, if ever. */
    public static final Duration CA_LIFETIME = Duration.ofDays(3650);

    public static final String CERTIFICATE_FILE = "ca.crt";
    public static final String KEY_FILE = "ca.key";
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey key;
    private final X509Certificate certificate;

    public CertificateAuthority(PrivateKey key, X509Certificate certificate) {
        this.key = Objects.requireNonNull(key, "key");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
    }

    /** A new CA named {@code cloud}, valid from {@code now} for {@link #CA_LIFETIME}. */
    public static CertificateAuthority create(String cloud, Instant now) {
        KeyPair pair = Certificates.newKeyPair();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, "atoll cloud CA " + cloud)
                .addRDN(BCStyle.O, "atoll")
                .build();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    name,
                    serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(CA_LIFETIME)),
                    name,
                    pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(pair.getPrivate())));
            return new CertificateAuthority(pair.getPrivate(), cert);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a CA certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The CA saved in {@code dir} by {@link #save}.
     *
     * @throws UncheckedIOException naming the file when one is missing or unreadable
     */
    public static CertificateAuthority load(Path dir) {
        Path certFile = dir.resolve(CERTIFICATE_FILE);
        Path keyFile = dir.resolve(KEY_FILE);
        try {
            return new CertificateAuthority(
                    Pem.parsePrivateKey(Files.readString(keyFile)), Pem.parseCertificate(Files.readString(certFile)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cloud CA in " + dir + ": " + e, e);
        }
    }

    /** Whether {@code dir} holds a CA (its key and certificate). */
    public static boolean existsIn(Path dir) {
        return Files.isRegularFile(dir.resolve(CERTIFICATE_FILE)) && Files.isRegularFile(dir.resolve(KEY_FILE));
    }

    /** Writes ca.crt (readable) and ca.key (owner only) into {@code dir}. */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(CERTIFICATE_FILE), Pem.certificate(certificate));
            Certificates.writePrivate(dir.resolve(KEY_FILE), Pem.privateKey(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cloud CA into " + dir + ": " + e, e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey key() {
        return key;
    }

    /** SHA-256 of the CA certificate, hex: what a joining process is told to trust. */
    public String fingerprint() {
        return Certificates.fingerprint(certificate);
    }

    /**
     * Signs the certificate of {@code role} {@code name} for the key in {@code csrDer}.
     *
     * @param notBefore start of validity (tests pass a past instant to make an expired certificate)
     * @throws IllegalArgumentException saying why when the CSR is not DER, its signature does not
     *     verify, or its key is not EC P-256
     */
    public X509Certificate issue(byte[] csrDer, PeerRole role, String name, Instant notBefore, Duration lifetime) {
        Objects.requireNonNull(role, "role");
        if (name == null || name.isBlank() || name.length() > 255) {
            throw new IllegalArgumentException("a certificate's name must be 1..255 characters");
        }
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(csrDer);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the CSR is not a PKCS#10 request: " + e.getMessage(), e);
        }
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
                throw new IllegalArgumentException("the CSR's signature does not verify");
            }
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) throw iae;
            throw new IllegalArgumentException("the CSR's signature cannot be checked: " + e.getMessage(), e);
        }
        java.security.PublicKey publicKey;
        try {
            publicKey = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter()
                    .getPublicKey(csr.getSubjectPublicKeyInfo());
        } catch (IOException e) {
            throw new IllegalArgumentException("the CSR's key does not decode: " + e.getMessage(), e);
        }
        if (!(publicKey instanceof java.security.interfaces.ECPublicKey ec)
                || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException("the CSR's key is not EC P-256");
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, name)
                .addRDN(BCStyle.OU, role.unit())
                .addRDN(BCStyle.O, "atoll")
                .build();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    certificate,
                    serial(),
                    Date.from(notBefore),
                    Date.from(notBefore.plus(lifetime)),
                    subject,
                    publicKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
            }));
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot sign a certificate: " + e.getMessage(), e);
        }
    }

    /** Issues a certificate for a key made here (the CA's own sites: no CSR travels). */
    public Credentials issueFor(KeyPair pair, PeerRole role, String name, Instant notBefore, Duration lifetime) {
        X509Certificate cert = issue(Certificates.csr(pair, name), role, name, notBefore, lifetime);
        return new Credentials(pair.getPrivate(), cert);
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
