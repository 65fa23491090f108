package dev.atoll.api;

import dev.atoll.api.auth.AuthRoutes;
import dev.atoll.control.auth.AuthRecords;
import dev.atoll.control.auth.TokenRecord;
import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.auth.BearerTokens;
import dev.atoll.model.auth.Role;
import dev.atoll.model.auth.TenantView;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;

/** Tokens for tests: a fixed cloud-admin token every test cloud knows, and fresh ones of any tenant and role. */
final class TestTokens {
    /** An admin of the cloud's own tenant ("default"), what `atoll dev` prints. */
    static final String CLOUD_ADMIN = "atoll_00000000000000ad_" + "a".repeat(43);

    private TestTokens() {}

    /** Lets {@code cloud} know {@link #CLOUD_ADMIN}. */
    static void registerCloudAdmin(CloudApi cloud) {
        var presented = BearerTokens.parse(CLOUD_ADMIN).orElseThrow();
        cloud.changeAuth(AuthRecords.ofToken(new TokenRecord(
                presented.id(),
                "default",
                Role.ADMIN,
                "test admin",
                BearerTokens.hash(presented.secret()),
                Instant.parse("2025-01-01T00:00:00Z"),
                null)));
    }

    /** A new token of {@code tenant} (created if need be) with {@code role}, made the way the API makes them. */
    static String create(CloudApi cloud, String tenant, Role role) {
        if (!tenant.equals("default") && !cloud.authRecords().tenants().containsKey(tenant)) {
            cloud.changeAuth(AuthRecords.ofTenant(new TenantView(tenant, Instant.parse("2025-01-01T00:00:00Z"))));
        }
        return AuthRoutes.createToken(cloud, Clock.systemUTC(), new SecureRandom(), tenant, role, role.wireName());
    }
}
