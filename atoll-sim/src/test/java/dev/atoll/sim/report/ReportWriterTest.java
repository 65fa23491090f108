package dev.atoll.sim.report;

import static dev.atoll.sim.report.Reports.aReport;
import static dev.atoll.sim.report.Reports.aSite;
import static dev.atoll.sim.report.Reports.variant;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    @TempDir
    Path tmp;

    @Test
    void writesJsonAndHtmlIntoADirectoryItCreates() throws IOException {
        Path dir = tmp.resolve("runs/first");

        ReportWriter.write(aReport(), dir);

        assertThat(dir.resolve("report.json")).isNotEmptyFile();
        assertThat(dir.resolve("report.html")).isNotEmptyFile();
        assertThat(Files.readString(dir.resolve("report.html"))).startsWith("<!DOCTYPE html>");
    }

    @Test
    void reportJsonReadsBackIntoAnEqualReportWithAPlainMapper() throws IOException {
        SimReport report = aReport();

        ReportWriter.write(report, tmp);

        SimReport read = new ObjectMapper().readValue(tmp.resolve("report.json").toFile(), SimReport.class);
        assertThat(read).isEqualTo(report);
        assertThat(read.counters().keySet()).containsExactly("deploys", "placements", "nodeCrashes", "siteCrashes");
    }

    @Test
    void reportJsonKeepsTheRecordsFieldOrderAndWritesDoublesWithoutExponents() throws IOException {
        ReportWriter.write(variant("tiny", List.of(aSite("x", 0.0001, 1e-5, 1, 1, true)), 0.00025), tmp);

        String json = Files.readString(tmp.resolve("report.json"));
        JsonNode tree = new ObjectMapper().readTree(json);
        List<String> fields = new ArrayList<>();
        tree.fieldNames().forEachRemaining(fields::add);
        List<String> components = Arrays.stream(SimReport.class.getRecordComponents())
                .map(c -> c.getName())
                .toList();
        assertThat(fields).isEqualTo(components);
        assertThat(json).doesNotContainPattern("[0-9][eE][-+]?[0-9]");
        assertThat(json).contains("\"lat\" : 0.0001", "\"lon\" : 0.00001", "\"p50Ms\" : 0.00025");
        assertThat(json).contains("\"simulatedSeconds\" : 3600.0");
    }

    @Test
    void aComparisonWritesOneJsonPerVariantNamedAfterItAndOnePage() throws IOException {
        SimReport edge = variant("big-dc-vs-edge/edge", List.of(aSite("e1", 0, 0, 5, 5, true)), 12.1);
        SimReport bigDc = variant("big-dc-vs-edge/big-dc", List.of(aSite("d1", 50, 8, 50, 50, true)), 48.3);

        ReportWriter.writeComparison(List.of(edge, bigDc), tmp);

        try (var files = Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("report-edge.json", "report-big-dc.json", "report.html");
        }
        ObjectMapper mapper = new ObjectMapper();
        assertThat(mapper.readValue(tmp.resolve("report-edge.json").toFile(), SimReport.class))
                .isEqualTo(edge);
        assertThat(mapper.readValue(tmp.resolve("report-big-dc.json").toFile(), SimReport.class))
                .isEqualTo(bigDc);
    }

    @Test
    void variantsWithoutAUsableNameAreWrittenByPosition() throws IOException {
        SimReport first = variant("same", List.of(), 10);
        SimReport second = variant("same", List.of(), 20);

        ReportWriter.writeComparison(List.of(first, second), tmp);

        assertThat(tmp.resolve("report-same.json")).exists();
        assertThat(tmp.resolve("report-2.json")).exists();
    }
}
