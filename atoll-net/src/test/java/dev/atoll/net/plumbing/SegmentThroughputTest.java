package dev.atoll.net.plumbing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class SegmentThroughputTest {
    @Test
    void theReceivedRateIsReadFromTheEndOfTheReport() throws IOException {
        String report = """
                {"start": {}, "intervals": [],
                 "end": {"sum_sent": {"bits_per_second": 9.5e9, "sender": true},
                         "sum_received": {"seconds": 3.0, "bytes": 3375000000, "bits_per_second": 9.0e9,
                                          "sender": true}}}
                """;
        assertThat(SegmentThroughput.receivedBitsPerSecond(report)).isEqualTo(9.0e9);
    }

    @Test
    void iperfsOwnErrorIsTheMessage() {
        assertThatThrownBy(() -> SegmentThroughput.receivedBitsPerSecond(
                        "{\"start\": {}, \"error\": \"unable to connect to server: Connection refused\"}"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Connection refused");
    }

    @Test
    void aReportWithoutTheFigureIsAnError() {
        assertThatThrownBy(() -> SegmentThroughput.receivedBitsPerSecond("{\"end\": {}}"))
                .hasMessageContaining("end.sum_received.bits_per_second");
        assertThatThrownBy(() -> SegmentThroughput.receivedBitsPerSecond("iperf3: parameter error"))
                .isInstanceOf(IOException.class);
    }
}
