package dev.atoll.control.site;

import static dev.atoll.control.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.auth.AuthRecords;
import dev.atoll.control.raft.ReplicatedStateMachine;
import dev.atoll.model.auth.AuditEntry;
import dev.atoll.model.auth.TenantView;
import org.junit.jupiter.api.Test;

/** Tenants, tokens and audit entries are site state like any other: in the log, in snapshots. */
class AuthInTheSiteLogTest {
    private final SiteStateMachine machine = new SiteStateMachine();

    private Object apply(SiteCommand command) {
        return machine.apply(command).response();
    }

    private static AuditEntry entry(int second) {
        return new AuditEntry(
                T0.plusSeconds(second),
                "london",
                "acme",
                "t1",
                "ci",
                "deployer",
                "POST",
                "/v1/environments",
                "/v1/environments",
                201,
                "done");
    }

    @Test
    void mergedTenantsAndTokensAndAuditEntriesSurviveASnapshot() throws Exception {
        var change = AuthRecords.ofTenant(new TenantView("acme", T0));
        change.merge(AuthRecords.ofToken(dev.atoll.control.auth.AuthRecordsTest.token("t1", "acme", 0, null)));

        var first = (AuthRecords) apply(new SiteCommand.MergeAuth(change));
        var again = (AuthRecords) apply(new SiteCommand.MergeAuth(change));
        apply(new SiteCommand.RecordAudit(entry(1)));

        assertThat(first).isEqualTo(change);
        assertThat(again.isEmpty()).isTrue();
        var restored = new SiteStateMachine();
        ((ReplicatedStateMachine) restored).restore(((ReplicatedStateMachine) machine).snapshot());
        assertThat(restored.read(SiteState::auth)).isEqualTo(change);
        assertThat(restored.read(SiteState::audit)).containsExactly(entry(1));
    }

    @Test
    void theAuditLogKeepsTheNewestEntriesOnly() throws Exception {
        for (int i = 0; i < SiteState.MAX_AUDIT_KEPT + 3; i++) apply(new SiteCommand.RecordAudit(entry(i)));

        assertThat(machine.<Integer>read(s -> s.audit().size())).isEqualTo(SiteState.MAX_AUDIT_KEPT);
        assertThat(machine.<AuditEntry>read(s -> s.audit().getFirst())).isEqualTo(entry(3));
    }
}
