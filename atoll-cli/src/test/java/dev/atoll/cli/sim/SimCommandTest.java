package dev.atoll.cli.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.testing.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `atoll sim`: the simulator from the command line. */
class SimCommandTest {
    @TempDir
    Path dir;

    @Test
    void listsTheShippedScenarios() {
        var result = Cli.run("sim", "--list");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out().lines())
                .contains(
                        "interoute-16", "edge-1000", "chaos", "big-dc-vs-edge", "hot-spot", "drain", "follow-the-sun");
    }

    @Test
    void aRebalancingScenarioIsPrintedBesideTheSameRunDoingNothing() {
        var result = Cli.run("sim", "hot-spot", "--seed", "1", "--duration", "2m");

        assertThat(result.err()).doesNotContain("Exception");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .contains("scenario hot-spot, seed 1")
                .contains("with rebalancing and doing nothing")
                .contains("REBALANCING")
                .contains("NOTHING")
                .contains("time to resolve an overload, max");
    }

    @Test
    void aShortChaosRunPrintsItsSummaryAndWritesTheReport() throws IOException {
        Path report = dir.resolve("report");

        var result = Cli.run("sim", "chaos", "--seed", "5", "--duration", "20s", "--report", report.toString());

        assertThat(result.err()).doesNotContain("Exception").doesNotContain("error");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .contains("scenario chaos, seed 5")
                .contains("real time")
                .contains("all invariants held")
                .contains("event log sha256");
        assertThat(report.resolve("report.html")).exists();
        assertThat(Files.readString(report.resolve("report.json"))).contains("\"scenario\" : \"chaos\"");
    }

    @Test
    void theSameSeedTwicePrintsTheSameEventLogDigest() {
        var first = Cli.run("sim", "chaos", "--seed", "9", "--duration", "15s");
        var second = Cli.run("sim", "chaos", "--seed", "9", "--duration", "15s");

        assertThat(digest(second.out())).isEqualTo(digest(first.out())).isNotEmpty();
    }

    private static String digest(String out) {
        return out.lines()
                .filter(l -> l.startsWith("event log sha256 "))
                .findFirst()
                .orElse("");
    }

    @Test
    void anInvalidScenarioIsRefusedWithTheFieldNamedAndNothingRuns() throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                name: bad
                duration: soon
                sites:
                  - {name: london, lat: 51.5, lon: -0.12, country: GB, nodes: {count: 1}}
                """);

        var result = Cli.run("sim", file.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("duration").doesNotContain("Exception");
        assertThat(result.out()).doesNotContain("simulated");
    }

    @Test
    void anUnknownScenarioOrVariantOrABadFlagIsAUsageError() {
        var unknown = Cli.run("sim", "no-such-scenario");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err())
                .contains("neither a scenario file nor a shipped scenario")
                .contains("chaos");

        var variant = Cli.run("sim", "big-dc-vs-edge", "--variant", "medium");
        assertThat(variant.exitCode()).isEqualTo(2);
        assertThat(variant.err()).contains("--variant").contains("edge");

        var duration = Cli.run("sim", "chaos", "--duration", "0s");
        assertThat(duration.exitCode()).isEqualTo(2);
        assertThat(duration.err()).contains("--duration");
    }
}
