package dev.atoll.control.auth;

import static dev.atoll.control.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.auth.Role;
import dev.atoll.model.auth.TenantView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

public class AuthRecordsTest {
    public static TokenRecord token(String id, String tenant, int createdSecond, Integer revokedSecond) {
        return new TokenRecord(
                id,
                tenant,
                Role.DEPLOYER,
                "ci",
                "ab".repeat(32),
                T0.plusSeconds(createdSecond),
                revokedSecond == null ? null : T0.plusSeconds(revokedSecond));
    }

    @Test
    void aRevocationIsNeverUndoneByAnOlderCopyOfTheToken() {
        var site = AuthRecords.ofToken(token("t1", "acme", 0, 10));

        var changed = site.merge(AuthRecords.ofToken(token("t1", "acme", 0, null)));

        assertThat(changed.isEmpty()).isTrue();
        assertThat(site.token("t1").orElseThrow().revoked()).isTrue();
    }

    @Test
    void mergeAnswersOnlyWhatWasNewHere() {
        var site = AuthRecords.ofTenant(new TenantView("acme", T0));
        var other = AuthRecords.ofTenant(new TenantView("acme", T0.plusSeconds(5)));
        other.merge(AuthRecords.ofToken(token("t1", "acme", 0, null)));

        var changed = site.merge(other);

        assertThat(changed.tenants()).isEmpty();
        assertThat(changed.tokens()).containsOnlyKeys("t1");
        assertThat(site.tenants().get("acme").createdAt()).isEqualTo(T0);
    }

    @Test
    void sitesThatHearTheSameChangesInAnyOrderEndWithTheSameRecords() {
        List<AuthRecords> changes = new ArrayList<>();
        changes.add(AuthRecords.ofTenant(new TenantView("acme", T0.plusSeconds(3))));
        changes.add(AuthRecords.ofTenant(new TenantView("acme", T0.plusSeconds(1))));
        changes.add(AuthRecords.ofTenant(new TenantView("globex", T0)));
        changes.add(AuthRecords.ofToken(token("t1", "acme", 2, null)));
        changes.add(AuthRecords.ofToken(token("t1", "acme", 1, 9)));
        changes.add(AuthRecords.ofToken(token("t1", "acme", 4, 7)));
        changes.add(AuthRecords.ofToken(token("t2", "globex", 0, null)));
        AuthRecords first = null;
        var random = new Random(42);
        for (int order = 0; order < 50; order++) {
            Collections.shuffle(changes, random);
            var site = AuthRecords.empty();
            // Each change heard once or twice: merging is idempotent.
            for (var change : changes) {
                site.merge(change);
                if (random.nextBoolean()) site.merge(change);
            }
            if (first == null) first = site;
            assertThat(site).isEqualTo(first);
        }
        assertThat(first.token("t1").orElseThrow().createdAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(first.token("t1").orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(7));
        assertThat(first.tenants().get("acme").createdAt()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void whatAnotherSiteLacksIsExactlyWhatMergingWouldAddThere() {
        var here = AuthRecords.ofToken(token("t1", "acme", 0, 5));
        here.merge(AuthRecords.ofTenant(new TenantView("acme", T0)));
        var there = AuthRecords.ofToken(token("t1", "acme", 0, null));

        var missing = here.missingFrom(there);

        assertThat(missing.tenants()).containsOnlyKeys("acme");
        assertThat(missing.tokens().get("t1").revoked()).isTrue();
        there.merge(missing);
        assertThat(there).isEqualTo(here);
    }
}
