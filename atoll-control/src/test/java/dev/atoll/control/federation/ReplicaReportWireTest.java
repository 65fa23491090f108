package dev.atoll.control.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A report of changes, and the home's answer to it, cross the wire between sites unchanged. */
class ReplicaReportWireTest {
    private static final InstanceId WEB0 = new InstanceId("default", "hello", "web", 0);

    @Test
    void aReportOfChangesKeepsItsNumbersChangedReplicasAndGoneKeys() {
        var changed = new TreeMap<String, ReplicaStatus>();
        changed.put(WEB0.key(), new ReplicaStatus(WEB0, 2, "n1", InstanceState.RUNNING, false));
        var sent = new SiteCalls.ReportReplicas(
                "paris", new ReplicaReport(1_700_000_000_123L, 8, 7, changed, List.of("default/hello.web.1")));

        var received = CallBodies.request(CallBodies.write(sent), SiteCalls.ReportReplicas.class);

        assertThat(received).isEqualTo(sent);
        assertThat(received.report().full()).isFalse();
    }

    @Test
    void aFullReportSaysSoAndTheHomesAnswerCrossesBack() {
        var sent = ReplicaReport.everything(
                3, 1, Map.of(WEB0.key(), new ReplicaStatus(WEB0, 1, "n2", InstanceState.STARTING, false)));

        var received = CallBodies.request(
                CallBodies.write(new SiteCalls.ReportReplicas("paris", sent)), SiteCalls.ReportReplicas.class);

        assertThat(received.report()).isEqualTo(sent);
        assertThat(received.report().full()).isTrue();
        assertThat(CallBodies.answer(
                        CallBodies.write(ReplicaReport.Receipt.SEND_EVERYTHING), ReplicaReport.Receipt.class))
                .isEqualTo(ReplicaReport.Receipt.SEND_EVERYTHING);
    }

    @Test
    void aFullReportCannotAlsoSayWhatIsGone() {
        assertThatThrownBy(() -> new ReplicaReport(3, 1, ReplicaReport.EVERYTHING, new TreeMap<>(), List.of("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gone");
    }
}
