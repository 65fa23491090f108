package dev.atoll.control.gossip;

import dev.atoll.wire.tls.CloudIdentity;
import dev.atoll.wire.tls.PeerIdentity;
import dev.atoll.wire.tls.PeerRole;
import dev.atoll.wire.tls.RefusalReason;
import dev.atoll.wire.tls.RefusedCertificateException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;

/**
 * Gossip payloads (site cards) signed by their site. ScaleCube's transport has no TLS, so instead of
 * the connection the card is authenticated: the sender signs the card's JSON with its certificate's
 * key and sends the certificate along; a receiver accepts the card only when the certificate is the
 * cloud CA's, valid, a site's, and names the site the card is about. Anything else is dropped,
 * logged and counted ({@link CloudIdentity#refusals}).
 *
 * <p>Sealed text: {@code atoll-card-v1 <certificate, base64 DER> <signature, base64>} on the first
 * line, the card's JSON after it.
 */
public interface CardSeal {
    String HEADER = "atoll-card-v1";

    /** The text to gossip for {@code cardJson}. */
    String seal(String cardJson);

    /**
     * The card's JSON if {@code sealed} is genuine, with the site it was signed by; empty (and the
     * refusal recorded) otherwise.
     *
     * @param from how logs name the member that sent it
     */
    Optional<Opened> open(String sealed, String from);

    /** Records a genuine card about another site than its signer's: dropped, logged and counted. */
    default void impersonated(String from, String detail) {}

    /** A card's JSON and the site that signed it (null when cards are not signed). */
    record Opened(String cardJson, String signedBy) {}

    /** Cards as plain JSON, for clouds without TLS and the simulator. */
    CardSeal NONE = new CardSeal() {
        @Override
        public String seal(String cardJson) {
            return cardJson;
        }

        @Override
        public Optional<Opened> open(String sealed, String from) {
            return Optional.of(new Opened(sealed, null));
        }
    };

    /** Signs with the current credentials of {@code identity} (so a renewed certificate is used at once). */
    static CardSeal signedBy(CloudIdentity identity) {
        return new CardSeal() {
            @Override
            public String seal(String cardJson) {
                var credentials = identity.credentials().orElseThrow(() -> new IllegalStateException("no certificate"));
                try {
                    Signature signer = Signature.getInstance("SHA256withECDSA");
                    signer.initSign(credentials.key());
                    signer.update(cardJson.getBytes(StandardCharsets.UTF_8));
                    return HEADER + " "
                            + Base64.getEncoder()
                                    .encodeToString(credentials.certificate().getEncoded()) + " "
                            + Base64.getEncoder().encodeToString(signer.sign()) + "\n" + cardJson;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("cannot sign a site card: " + e.getMessage(), e);
                }
            }

            @Override
            public void impersonated(String from, String detail) {
                identity.refusals().refused("gossip member " + from, RefusalReason.WRONG_ROLE, detail);
            }

            @Override
            public Optional<Opened> open(String sealed, String from) {
                try {
                    int newline = sealed.indexOf('\n');
                    String[] head = newline < 0
                            ? new String[0]
                            : sealed.substring(0, newline).split(" ");
                    if (head.length != 3 || !head[0].equals(HEADER)) {
                        throw new RefusedCertificateException(RefusalReason.NO_CERTIFICATE, "an unsigned site card");
                    }
                    X509Certificate certificate;
                    byte[] signature;
                    try {
                        certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                                .generateCertificate(new ByteArrayInputStream(
                                        Base64.getDecoder().decode(head[1])));
                        signature = Base64.getDecoder().decode(head[2]);
                    } catch (GeneralSecurityException | IllegalArgumentException e) {
                        throw new RefusedCertificateException(
                                RefusalReason.UNKNOWN_CA, "a site card with an unreadable certificate or signature");
                    }
                    PeerIdentity signer = identity.verify(new java.security.cert.Certificate[] {certificate});
                    if (signer.role() != PeerRole.SITE) {
                        throw new RefusedCertificateException(
                                RefusalReason.WRONG_ROLE, "a site card signed by a " + signer);
                    }
                    String json = sealed.substring(newline + 1);
                    Signature verifier = Signature.getInstance("SHA256withECDSA");
                    verifier.initVerify(certificate.getPublicKey());
                    verifier.update(json.getBytes(StandardCharsets.UTF_8));
                    boolean genuine;
                    try {
                        genuine = verifier.verify(signature);
                    } catch (java.security.SignatureException e) {
                        genuine = false;
                    }
                    if (!genuine) {
                        throw new RefusedCertificateException(
                                RefusalReason.UNKNOWN_CA, "a site card whose signature does not match (forged)");
                    }
                    return Optional.of(new Opened(json, signer.name()));
                } catch (RefusedCertificateException e) {
                    identity.refusals().refused("gossip member " + from, e.reason(), e.getMessage());
                    return Optional.empty();
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("the JDK verifies ECDSA", e);
                }
            }
        };
    }
}
