package dev.atoll.control.auth;

import dev.atoll.model.auth.TenantView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The cloud's tenants and tokens, as one site knows them. Every site keeps a copy in its own Raft
 * log, and copies are merged, never overwritten: tenants are only ever added, tokens are added and
 * revoked, and {@link #merge} is commutative, associative and idempotent (a state-based CRDT: a
 * grow-only set of tenants and a map of tokens whose revocation wins). So sites may learn of a
 * change in any order, any number of times, from any other site, and end up with the same records.
 *
 * @param tenants by name (the cloud's own tenant is implicit and never listed here)
 * @param tokens by id
 */
public record AuthRecords(SortedMap<String, TenantView> tenants, SortedMap<String, TokenRecord> tokens) {
    /** A cloud of a thousand tenants with a few tokens each stays far below this; it bounds a bad actor. */
    public static final int MAX_TOKENS = 100_000;

    public static final int MAX_TENANTS = 10_000;

    public AuthRecords {
        tenants = tenants == null ? new TreeMap<>() : new TreeMap<>(tenants);
        tokens = tokens == null ? new TreeMap<>() : new TreeMap<>(tokens);
    }

    public static AuthRecords empty() {
        return new AuthRecords(new TreeMap<>(), new TreeMap<>());
    }

    public static AuthRecords ofTenant(TenantView tenant) {
        var records = empty();
        records.tenants().put(tenant.name(), tenant);
        return records;
    }

    public static AuthRecords ofToken(TokenRecord token) {
        var records = empty();
        records.tokens().put(token.id(), token);
        return records;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return tenants.isEmpty() && tokens.isEmpty();
    }

    public Optional<TokenRecord> token(String id) {
        return Optional.ofNullable(tokens.get(id));
    }

    /**
     * Merges {@code other} into these records, in place.
     *
     * @return what was new here (tenants and tokens added or changed), empty when nothing was
     */
    public AuthRecords merge(AuthRecords other) {
        var changed = empty();
        for (TenantView t : other.tenants().values()) {
            TenantView mine = tenants.get(t.name());
            TenantView merged = mine == null || t.createdAt().isBefore(mine.createdAt()) ? t : mine;
            if (!merged.equals(mine) && (mine != null || tenants.size() < MAX_TENANTS)) {
                tenants.put(t.name(), merged);
                changed.tenants().put(t.name(), merged);
            }
        }
        for (TokenRecord t : other.tokens().values()) {
            TokenRecord mine = tokens.get(t.id());
            TokenRecord merged = mine == null ? t : mine.mergedWith(t);
            if (!merged.equals(mine) && (mine != null || tokens.size() < MAX_TOKENS)) {
                tokens.put(t.id(), merged);
                changed.tokens().put(t.id(), merged);
            }
        }
        return changed;
    }

    /** What {@code other} lacks of these records (what to send it so it catches up). */
    public AuthRecords missingFrom(AuthRecords other) {
        var copy = other.copy();
        return copy.merge(this);
    }

    public AuthRecords copy() {
        return new AuthRecords(tenants, tokens);
    }

    /** The tokens of one tenant, oldest first. */
    public List<TokenRecord> tokensOf(String tenant) {
        List<TokenRecord> result = new ArrayList<>();
        for (TokenRecord t : tokens.values()) if (t.tenant().equals(tenant)) result.add(t);
        result.sort(java.util.Comparator.comparing(TokenRecord::createdAt).thenComparing(TokenRecord::id));
        return result;
    }
}
