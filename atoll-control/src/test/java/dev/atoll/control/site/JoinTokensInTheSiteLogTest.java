package dev.atoll.control.site;

import static dev.atoll.control.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.join.JoinTokenUse;
import dev.atoll.control.join.JoinTokens;
import dev.atoll.control.raft.ReplicatedStateMachine;
import dev.atoll.model.auth.BearerTokens;
import dev.atoll.wire.tls.PeerRole;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Join tokens live in the site's log: written hashed, consumed once in log order, kept in snapshots. */
class JoinTokensInTheSiteLogTest {
    private final SiteStateMachine machine = new SiteStateMachine();

    /** Through the codec, as the log carries it. */
    private Object apply(SiteCommand command) {
        return machine.apply(SiteCodec.readCommand(SiteCodec.writeCommand(command)))
                .response();
    }

    private SiteCommand.ConsumeJoinToken consume(String text, String by, int atSecond) {
        var presented = JoinTokens.parse(text).orElseThrow();
        return new SiteCommand.ConsumeJoinToken(
                presented.id(),
                BearerTokens.hash(presented.secret()),
                PeerRole.AGENT,
                "london",
                by,
                T0.plusSeconds(atSecond));
    }

    @Test
    void aJoinTokenIsKeptHashedAndWorksOnce() {
        var issued = JoinTokens.issue(new SecureRandom(), PeerRole.AGENT, "london", T0, Duration.ofHours(1));
        assertThat(apply(new SiteCommand.IssueJoinToken(issued.record()))).isEqualTo(true);
        assertThat(SiteCodec.writeCommand(new SiteCommand.IssueJoinToken(issued.record())))
                .asString()
                .doesNotContain(JoinTokens.parse(issued.text()).orElseThrow().secret());

        var first = apply(consume(issued.text(), "n1", 10));
        var second = apply(consume(issued.text(), "n2", 11));

        assertThat(first).isInstanceOf(JoinTokenUse.Accepted.class);
        assertThat(second)
                .isEqualTo(new JoinTokenUse.Refused("join token "
                        + issued.record().id() + " was already used at " + T0.plusSeconds(10) + " (by n1)"));
    }

    @Test
    void anExpiredJoinTokenIsRefused() {
        var issued = JoinTokens.issue(new SecureRandom(), PeerRole.AGENT, "london", T0, Duration.ofMinutes(1));
        apply(new SiteCommand.IssueJoinToken(issued.record()));

        assertThat(apply(consume(issued.text(), "n1", 60)))
                .isEqualTo(new JoinTokenUse.Refused(
                        "join token " + issued.record().id() + " expired at " + T0.plusSeconds(60)));
    }

    @Test
    void aTokenWithTheWrongSecretOrForAnotherSiteOrRoleIsRefused() {
        var issued = JoinTokens.issue(new SecureRandom(), PeerRole.AGENT, "paris", T0, Duration.ofHours(1));
        apply(new SiteCommand.IssueJoinToken(issued.record()));
        String id = issued.record().id();

        assertThat(apply(new SiteCommand.ConsumeJoinToken(
                        id, BearerTokens.hash("guessed"), PeerRole.AGENT, "paris", "n1", T0)))
                .isEqualTo(new JoinTokenUse.Refused("join token " + id + " is unknown at site paris"));
        assertThat(apply(consume(issued.text(), "n1", 1)))
                .isEqualTo(new JoinTokenUse.Refused("join token " + id + " is for agents of site paris"));
        var presented = JoinTokens.parse(issued.text()).orElseThrow();
        assertThat(apply(new SiteCommand.ConsumeJoinToken(
                        id, BearerTokens.hash(presented.secret()), PeerRole.SITE, "paris", "lyon", T0)))
                .isEqualTo(new JoinTokenUse.Refused("join token " + id + " is for an agent, not a site"));
    }

    @Test
    void joinTokensSurviveASnapshot() throws Exception {
        var issued = JoinTokens.issue(new SecureRandom(), PeerRole.SITE, null, T0, Duration.ofHours(1));
        apply(new SiteCommand.IssueJoinToken(issued.record()));
        var restored = new SiteStateMachine();
        ((ReplicatedStateMachine) restored).restore(((ReplicatedStateMachine) machine).snapshot());

        assertThat(restored.read(SiteState::joinTokens)).isEqualTo(machine.read(SiteState::joinTokens));
        assertThat(restored.read(SiteState::joinTokens))
                .containsOnlyKeys(issued.record().id());
    }
}
