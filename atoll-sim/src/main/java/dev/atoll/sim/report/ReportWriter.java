package dev.atoll.sim.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code atoll sim --report DIR} writes: report.json, the report as data, and report.html, one
 * self-contained page with its plots that opens from disk with no network.
 */
public final class ReportWriter {
    private ReportWriter() {}

    /** Writes {@code dir/report.json} and {@code dir/report.html}, creating {@code dir} if needed. */
    public static void write(SimReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), ReportJson.of(report), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), ReportPage.of(report), StandardCharsets.UTF_8);
    }

    /**
     * For variants of one scenario (reports whose scenario reads like "big-dc-vs-edge/edge"): writes
     * {@code report-<variant>.json} for each, or {@code report-<n>.json} (from 1) when a variant has
     * no usable name, and one report.html showing them side by side on shared scales, with the key
     * figures as ratios of the first to each other.
     */
    public static void writeComparison(List<SimReport> reports, Path dir) throws IOException {
        Variants variants = Variants.of(reports);
        Files.createDirectories(dir);
        for (Variants.Variant variant : variants.all()) {
            Files.writeString(dir.resolve(variant.fileName()), ReportJson.of(variant.report()), StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("report.html"), ReportPage.comparison(variants), StandardCharsets.UTF_8);
    }
}
