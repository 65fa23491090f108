package dev.atoll.control.join;

import dev.atoll.model.auth.BearerTokens;
import dev.atoll.wire.tls.PeerRole;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.regex.Pattern;

/**
 * Join tokens: their text, {@code atoll-join_<id>_<secret>} (like API tokens, only the SHA-256 of
 * the secret is kept), and the pure decisions the site's state machine makes on them.
 */
public final class JoinTokens {
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final Duration MAX_TTL = Duration.ofDays(7);
    /** Tokens a site keeps; used and expired ones are forgotten first. */
    public static final int MAX_KEPT = 10_000;

    private static final String PREFIX = "atoll-join_";
    private static final Pattern TEXT = Pattern.compile("atoll-join_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");

    private JoinTokens() {}

    /** A token as presented. */
    public record Presented(String id, String secret) {
        @Override
        public String toString() {
            return "join token " + id;
        }
    }

    /** A new token's text and the record to keep of it. */
    public record Issued(String text, JoinToken record) {}

    public static Issued issue(SecureRandom random, PeerRole role, String site, Instant now, Duration ttl) {
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        random.nextBytes(id);
        random.nextBytes(secret);
        String idHex = HexFormat.of().formatHex(id);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Issued(
                PREFIX + idHex + "_" + secretText,
                new JoinToken(idHex, role, site, BearerTokens.hash(secretText), now, now.plus(ttl), null, null));
    }

    public static Optional<Presented> parse(String text) {
        if (text == null) return Optional.empty();
        var m = TEXT.matcher(text.strip());
        return m.matches() ? Optional.of(new Presented(m.group(1), m.group(2))) : Optional.empty();
    }

    /**
     * Consumes the token {@code id} whose secret hashes to {@code secretHash}, in place: the decision
     * the state machine applies in log order, so of two processes presenting one token only the
     * first is accepted.
     *
     * @param site the site answering (an agent token works only there)
     * @param by the name the certificate will be issued to
     */
    public static JoinTokenUse consume(
            SortedMap<String, JoinToken> tokens,
            String id,
            String secretHash,
            PeerRole role,
            String site,
            String by,
            Instant at) {
        JoinToken token = tokens.get(id);
        if (token == null
                || !MessageDigest.isEqual(
                        token.secretHash().getBytes(StandardCharsets.US_ASCII),
                        secretHash.getBytes(StandardCharsets.US_ASCII))) {
            return new JoinTokenUse.Refused("join token " + id + " is unknown at site " + site);
        }
        if (token.used()) {
            return new JoinTokenUse.Refused(
                    "join token " + id + " was already used at " + token.usedAt() + " (by " + token.usedBy() + ")");
        }
        if (!at.isBefore(token.expiresAt())) {
            return new JoinTokenUse.Refused("join token " + id + " expired at " + token.expiresAt());
        }
        if (token.role() != role) {
            return new JoinTokenUse.Refused(
                    "join token " + id + " is for " + withArticle(token.role()) + ", not " + withArticle(role));
        }
        if (role == PeerRole.AGENT && !site.equals(token.site())) {
            return new JoinTokenUse.Refused("join token " + id + " is for agents of site " + token.site());
        }
        if (role == PeerRole.SITE && token.site() != null && !token.site().equals(by)) {
            return new JoinTokenUse.Refused("join token " + id + " is for site " + token.site() + ", not " + by);
        }
        JoinToken used = token.usedAt(at, by);
        tokens.put(id, used);
        return new JoinTokenUse.Accepted(used);
    }

    private static String withArticle(PeerRole role) {
        return role == PeerRole.AGENT ? "an agent" : "a site";
    }

    /**
     * Keeps a new token, forgetting used and expired ones first when the site holds too many.
     *
     * @return false when the site holds {@link #MAX_KEPT} live tokens already
     */
    public static boolean keep(SortedMap<String, JoinToken> tokens, JoinToken token) {
        if (tokens.size() >= MAX_KEPT) {
            Instant now = token.createdAt();
            for (Iterator<Map.Entry<String, JoinToken>> it = tokens.entrySet().iterator(); it.hasNext(); ) {
                JoinToken t = it.next().getValue();
                if (t.used() || !now.isBefore(t.expiresAt())) it.remove();
            }
        }
        if (tokens.size() >= MAX_KEPT) return false;
        tokens.put(token.id(), token);
        return true;
    }
}
