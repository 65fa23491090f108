package dev.atoll.control.site;

import static dev.atoll.control.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeLivenessTest {
    private final NodeLiveness liveness = NodeLiveness.DEFAULT;

    @Test
    void aNodeHeardWithinASecondIsAlive() {
        assertThat(liveness.judge(T0, T0.plusMillis(999))).isEqualTo(NodeLiveness.Health.ALIVE);
    }

    @Test
    void twoMissedHeartbeatsMakeANodeSuspect() {
        assertThat(liveness.judge(T0, T0.plusMillis(1000))).isEqualTo(NodeLiveness.Health.SUSPECT);
    }

    @Test
    void threeMissedHeartbeatsMakeANodeDownWellWithinTwoSecondsOfItsLastHeartbeat() {
        assertThat(liveness.judge(T0, T0.plusMillis(1500))).isEqualTo(NodeLiveness.Health.DOWN);
    }
}
