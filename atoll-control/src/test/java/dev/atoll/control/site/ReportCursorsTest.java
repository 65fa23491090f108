package dev.atoll.control.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.federation.ReplicaReport;
import dev.atoll.control.federation.ReplicaStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A home takes a target's report of changes only when it follows the last one it took from there. */
class ReportCursorsTest {
    private final ReportCursors cursors = new ReportCursors();
    private final List<String> queued = new ArrayList<>();

    private ReplicaReport.Receipt take(String from, ReplicaReport report) {
        return cursors.take(from, report, () -> queued.add(from + "#" + report.number()));
    }

    private static ReplicaReport changes(long stream, long number, long since) {
        return new ReplicaReport(stream, number, since, new TreeMap<String, ReplicaStatus>(), List.of("k"));
    }

    @Test
    void aFullReportIsTakenFromAnyoneAndChangesThatFollowItAreTakenInOrder() {
        assertThat(take("paris", ReplicaReport.everything(7, 1, Map.of()))).isEqualTo(ReplicaReport.Receipt.TAKEN);
        assertThat(take("paris", changes(7, 2, 1))).isEqualTo(ReplicaReport.Receipt.TAKEN);
        assertThat(take("paris", changes(7, 3, 2))).isEqualTo(ReplicaReport.Receipt.TAKEN);

        assertThat(queued).containsExactly("paris#1", "paris#2", "paris#3");
        assertThat(cursors.tookFrom("paris")).isTrue();
        assertThat(cursors.tookFrom("madrid")).isFalse();
    }

    @Test
    void changesThatDoNotFollowTheLastReportTakenAreRefusedAndQueueNothing() {
        take("paris", ReplicaReport.everything(7, 1, Map.of()));

        // A gap, another stream (the target restarted), a target never heard from
        assertThat(take("paris", changes(7, 3, 2))).isEqualTo(ReplicaReport.Receipt.SEND_EVERYTHING);
        assertThat(take("paris", changes(8, 2, 1))).isEqualTo(ReplicaReport.Receipt.SEND_EVERYTHING);
        assertThat(take("madrid", changes(7, 2, 1))).isEqualTo(ReplicaReport.Receipt.SEND_EVERYTHING);

        assertThat(queued).containsExactly("paris#1");
        // And the cursor did not move: the report that does follow is still taken
        assertThat(take("paris", changes(7, 2, 1))).isEqualTo(ReplicaReport.Receipt.TAKEN);
    }

    @Test
    void aForgottenTargetMustSendEverythingAgain() {
        take("paris", ReplicaReport.everything(7, 1, Map.of()));

        cursors.forget("paris");

        assertThat(cursors.tookFrom("paris")).isFalse();
        assertThat(take("paris", changes(7, 2, 1))).isEqualTo(ReplicaReport.Receipt.SEND_EVERYTHING);
    }
}
