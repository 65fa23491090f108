package dev.atoll.api.auth;

import dev.atoll.model.auth.Role;
import dev.atoll.model.auth.Tenants;

/** Who is asking: the tenant, token and role of the bearer token the request carried. */
public record Caller(String tenant, String tokenId, String tokenName, Role role) {
    /** An admin of the cloud's own tenant: may create tenants and manage every tenant's tokens. */
    public boolean cloudAdmin() {
        return role == Role.ADMIN && tenant.equals(Tenants.CLOUD_TENANT);
    }

    /** Whether this caller may manage the tokens of {@code tenant}. */
    public boolean managesTokensOf(String tenant) {
        return cloudAdmin() || (role == Role.ADMIN && this.tenant.equals(tenant));
    }
}
