package dev.atoll.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerComparisonTest {
    @Test
    void printsOneTablePerInstanceWithEveryPeerAndTheGoals() {
        var parsed = ComparisonOptions.parse(
                "--instances",
                "200",
                "--nodes",
                "20",
                "--sites",
                "4",
                "--runs",
                "1",
                "--btrplace-seconds",
                "10",
                "--timefold-seconds",
                "2");
        var options = ((ComparisonOptions.Parsed.Ok) parsed).options();
        var bytes = new ByteArrayOutputStream();

        List<ComparisonTable> tables =
                new PeerComparison(options, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(tables).hasSize(3);
        assertThat(tables.get(0).rows()).hasSize(4); // Atoll and three CloudSim Plus policies
        assertThat(tables.get(1).rows()).hasSize(3); // Atoll, CloudSim Plus first fit, BtrPlace
        assertThat(tables.get(2).rows()).hasSize(3); // Atoll, CloudSim Plus first fit, Timefold
        assertThat(out)
                .contains("== main instance", "== BtrPlace slice", "== Timefold slice")
                .contains("goal: Atoll >= 50,000 placements/s with 0 violations:")
                .contains("goal: better quality than CloudSim Plus first fit:")
                .doesNotContain("not available");
    }
}
