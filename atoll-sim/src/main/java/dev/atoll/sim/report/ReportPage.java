package dev.atoll.sim.report;

import static dev.atoll.sim.report.Html.escape;

import dev.atoll.sim.report.KeyFigures.Figure;
import dev.atoll.sim.report.SimReport.SiteRow;
import dev.atoll.sim.report.SimReport.Violation;
import dev.atoll.sim.report.Variants.Variant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * report.html: one self-contained page (inline style, inline SVG, no script, nothing fetched) with
 * the key figures, the five plots, the counters and the violations of one run, or of several
 * variants of a scenario side by side.
 */
final class ReportPage {
    /** Sites listed under the map at most; report.json has them all. */
    static final int MOST_SITE_ROWS = 200;
    /** Violations shown at most, each with its trace. */
    static final int MOST_VIOLATIONS = 100;

    private ReportPage() {}

    static String of(SimReport report) {
        List<SimReport> reports = List.of(report);
        StringBuilder page = new StringBuilder(256 * 1024);
        head(page, "atoll sim: " + report.scenario() + " (seed " + report.seed() + ")", "single");
        page.append("<header><h1>atoll sim: ")
                .append(escape(report.scenario()))
                .append("</h1><p class=\"sub\">seed ")
                .append(report.seed())
                .append(" &middot; ")
                .append(escape(verdict(report)))
                .append("</p></header>\n");
        page.append("<section><dl class=\"figures\">");
        for (Figure figure : KeyFigures.of(report)) {
            page.append("<div><dt>")
                    .append(escape(figure.label()))
                    .append("</dt><dd>")
                    .append(escape(figure.formatted()))
                    .append("</dd></div>");
        }
        page.append("</dl></section>\n");
        for (Plot plot : plots(reports)) {
            page.append("<section><h2>").append(escape(plot.title())).append("</h2><figure><div class=\"scroll\">");
            page.append(plot.svg(report));
            page.append("</div><figcaption>").append(plot.captionHtml()).append("</figcaption></figure>");
            if (plot instanceof WorldMap) {
                sites(page, report.sites());
            }
            page.append("</section>\n");
        }
        page.append("<section><h2>Counters</h2>");
        if (report.counters().isEmpty()) {
            page.append("<p class=\"sub\">none</p>");
        } else {
            page.append("<div class=\"scroll\"><table><tbody>");
            for (Map.Entry<String, Long> counter : report.counters().entrySet()) {
                page.append("<tr><td>")
                        .append(escape(counter.getKey()))
                        .append("</td><td>")
                        .append(Formats.count(counter.getValue()))
                        .append("</td></tr>");
            }
            page.append("</tbody></table></div>");
        }
        page.append("</section>\n<section><h2>Violations</h2>");
        violations(page, report.violations());
        page.append("</section>\n");
        return foot(page);
    }

    static String comparison(Variants variants) {
        List<SimReport> reports = variants.reports();
        List<String> names = variants.names();
        StringBuilder page = new StringBuilder(512 * 1024);
        head(page, "atoll sim: " + variants.scenario() + ": " + String.join(" vs ", names), "side-by-side");
        page.append("<header><h1>atoll sim: ")
                .append(escape(variants.scenario()))
                .append("</h1><p class=\"sub\">")
                .append(escape(String.join(" vs ", names)))
                .append("; ratios are the first variant over each other</p></header>\n");
        page.append("<section><h2>Key figures</h2><div class=\"scroll\"><table><thead><tr><th></th>");
        names.forEach(name -> page.append("<th>").append(escape(name)).append("</th>"));
        for (int i = 1; i < names.size(); i++) {
            page.append("<th>")
                    .append(escape(names.get(0) + "/" + names.get(i)))
                    .append("</th>");
        }
        page.append("</tr></thead><tbody><tr><td>seed</td>");
        reports.forEach(report -> page.append("<td>").append(report.seed()).append("</td>"));
        page.append("<td></td>".repeat(names.size() - 1)).append("</tr>");
        List<List<Figure>> figures = reports.stream().map(KeyFigures::of).toList();
        for (int f = 0; f < figures.get(0).size(); f++) {
            double[] values = new double[reports.size()];
            for (int i = 0; i < reports.size(); i++) {
                values[i] = figures.get(i).get(f).value();
            }
            ratioRow(
                    page,
                    figures.get(0).get(f).label(),
                    values,
                    figures.get(0).get(f).unit());
        }
        for (String counter : KeyFigures.counterNames(reports)) {
            double[] values = new double[reports.size()];
            for (int i = 0; i < reports.size(); i++) {
                Long value = reports.get(i).counters().get(counter);
                values[i] = value == null ? Double.NaN : value;
            }
            ratioRow(page, counter, values, KeyFigures.Unit.COUNT);
        }
        page.append("</tbody></table></div></section>\n");
        for (Plot plot : plots(reports)) {
            page.append("<section><h2>")
                    .append(escape(plot.title()))
                    .append("</h2><p class=\"caption\">")
                    .append(plot.captionHtml())
                    .append("</p><div class=\"side\">");
            for (Variant variant : variants.all()) {
                page.append("<figure><figcaption class=\"variant\">")
                        .append(escape(variant.name()))
                        .append("</figcaption><div class=\"scroll\">")
                        .append(plot.svg(variant.report()))
                        .append("</div></figure>");
            }
            page.append("</div></section>\n");
        }
        page.append("<section><h2>Violations</h2>");
        for (Variant variant : variants.all()) {
            page.append("<h3>").append(escape(variant.name())).append("</h3>");
            violations(page, variant.report().violations());
        }
        page.append("</section>\n");
        return foot(page);
    }

    /** The plots, in the order the page shows them, sharing scales over {@code reports}. */
    static List<Plot> plots(List<SimReport> reports) {
        return List.of(
                new PlacementLatencyPlot(reports),
                new WorldMap(reports),
                new UserLatencyPlot(reports),
                new RecoveryTimeline(reports),
                new InstancesPlot(reports));
    }

    private static void ratioRow(StringBuilder page, String label, double[] values, KeyFigures.Unit unit) {
        page.append("<tr><td>").append(escape(label)).append("</td>");
        for (double value : values) {
            page.append("<td>").append(escape(unit.format(value))).append("</td>");
        }
        for (int i = 1; i < values.length; i++) {
            page.append("<td>")
                    .append(escape(Formats.ratio(values[0], values[i])))
                    .append("</td>");
        }
        page.append("</tr>");
    }

    private static String verdict(SimReport report) {
        return report.violations().isEmpty()
                ? "all invariants held"
                : report.violations().size()
                        + (report.violations().size() == 1 ? " invariant violation" : " invariant violations");
    }

    private static void sites(StringBuilder page, List<SiteRow> sites) {
        if (sites.isEmpty()) {
            return;
        }
        List<SiteRow> rows = sites.stream()
                .sorted(Comparator.comparingInt(SiteRow::runningAtEnd).reversed())
                .limit(MOST_SITE_ROWS)
                .toList();
        page.append("<details><summary>")
                .append(sites.size())
                .append(sites.size() == 1 ? " site" : " sites")
                .append(", most running first</summary><div class=\"scroll\"><table><thead><tr>")
                .append("<th>site</th><th>country</th><th>jurisdiction</th><th>nodes</th><th>running</th>")
                .append("<th>peak</th><th>at the end</th></tr></thead><tbody>");
        for (SiteRow site : rows) {
            page.append("<tr><td>")
                    .append(escape(site.name()))
                    .append("</td><td>")
                    .append(escape(site.country()))
                    .append("</td><td>")
                    .append(escape(site.jurisdiction()))
                    .append("</td><td>")
                    .append(site.nodes())
                    .append("</td><td>")
                    .append(site.runningAtEnd())
                    .append("</td><td>")
                    .append(site.peakRunning())
                    .append("</td><td>")
                    .append(site.upAtEnd() ? "up" : "<span class=\"bad\">down</span>")
                    .append("</td></tr>");
        }
        page.append("</tbody></table></div>");
        if (sites.size() > rows.size()) {
            page.append("<p class=\"sub\">and ")
                    .append(sites.size() - rows.size())
                    .append(" more in the JSON report</p>");
        }
        page.append("</details>");
    }

    private static void violations(StringBuilder page, List<Violation> violations) {
        if (violations.isEmpty()) {
            page.append("<p class=\"ok\">all invariants held</p>");
            return;
        }
        page.append("<p class=\"bad\">")
                .append(violations.size())
                .append(violations.size() == 1 ? " invariant broke" : " invariants broke")
                .append("</p>");
        for (Violation violation : violations.subList(0, Math.min(MOST_VIOLATIONS, violations.size()))) {
            page.append("<details class=\"violation\"><summary><b>")
                    .append(escape(violation.invariant()))
                    .append("</b> at ")
                    .append(escape(Formats.seconds(violation.atSecond())))
                    .append(": ")
                    .append(escape(violation.detail()))
                    .append("</summary><pre>")
                    .append(escape(String.join("\n", violation.trace())))
                    .append("</pre></details>");
        }
        if (violations.size() > MOST_VIOLATIONS) {
            page.append("<p class=\"sub\">and ")
                    .append(violations.size() - MOST_VIOLATIONS)
                    .append(" more in the JSON report</p>");
        }
    }

    private static void head(StringBuilder page, String title, String layout) {
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>")
                .append(escape(title))
                .append("</title>\n<style>\n")
                .append(STYLE)
                .append("</style>\n</head>\n<body class=\"")
                .append(layout)
                .append("\">\n");
    }

    private static String foot(StringBuilder page) {
        return page.append("<footer>Written by atoll sim. Land outlines: Natural Earth (public domain), by way of")
                .append(" the world-atlas package (ISC).</footer>\n</body>\n</html>\n")
                .toString();
    }

    private static final String STYLE = """
            :root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb}
            *{box-sizing:border-box}
            body{margin:0 auto;max-width:1240px;padding:12px 16px 40px;color:var(--fg);background:#fff;
            font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
            h1{font-size:1.5rem;margin:.4em 0 .1em;overflow-wrap:anywhere}
            h2{font-size:1.15rem;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}
            h3{font-size:1rem;margin:1em 0 .3em}
            .sub,.caption,figcaption{color:var(--muted);margin:0}
            .caption,figcaption{font-size:.85rem;margin:4px 0}
            figcaption.variant{font-weight:600;color:var(--fg);font-size:.95rem}
            .figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:14px 0}
            .figures div{border:1px solid var(--line);border-radius:6px;padding:6px 10px}
            .figures dt{font-size:.78rem;color:var(--muted)}
            .figures dd{margin:0;font-size:1.1rem;font-variant-numeric:tabular-nums}
            figure{margin:0}
            .single figure{max-width:960px}
            .side{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(480px,100%),1fr));gap:16px 24px}
            .scroll{overflow-x:auto}
            svg{display:block;width:100%;height:auto;min-width:480px}
            table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.9rem}
            th,td{padding:3px 10px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
            th:first-child,td:first-child{text-align:left}
            details{margin:8px 0}
            summary{cursor:pointer}
            .violation{border:1px solid #fecaca;background:#fef2f2;border-radius:6px;padding:6px 10px}
            pre{overflow-x:auto;font-size:.8rem;margin:6px 0 0}
            .ok{color:#166534;font-weight:600}
            .bad{color:#b91c1c;font-weight:600}
            footer{margin-top:3em;color:var(--muted);font-size:.8rem}
            .key{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px -1px 2px;background:var(--c)}
            .p50{--c:#2563eb}.p95{--c:#ea580c}.max{--c:#9ca3af}
            .running{--c:#16a34a}.pending{--c:#d97706}.failed{--c:#dc2626}
            .unserved{--c:#dc2626}.up{--c:#16a34a}.down{--c:#dc2626}
            .fault{--c:#111827}.detected{--c:#2563eb}.recovered{--c:#86efac}.open{--c:#f87171}
            svg text{font-size:11px;fill:#4b5563}
            svg .label{fill:#1f2937}
            svg .headline{font-size:12px;font-weight:600;fill:#111827}
            svg .marklabel{font-size:10px;fill:#111827}
            svg .nodata{font-size:14px;fill:#6b7280}
            .frame{fill:#fafafa;stroke:#e5e7eb}
            .grid{stroke:#eef0f3}
            .axis{stroke:#9ca3af}
            .series{fill:none;stroke:var(--c);stroke-width:2;stroke-linejoin:round}
            .series.max{stroke-width:1;stroke-dasharray:3 3}
            .dot{fill:var(--c);stroke:none}
            .bar{fill:#93c5fd}.bar:hover{fill:#3b82f6}.bar.unserved{fill:var(--c)}
            .mark{stroke:#111827;stroke-dasharray:4 3}
            rect.fault,rect.detected,rect.recovered,rect.open{fill:var(--c)}
            .ocean{fill:#eef6fb;stroke:#c7d7e0}
            .graticule{fill:none;stroke:#d6e4ec;stroke-width:.5}
            .land{fill:#e2e8da;stroke:#bcc7b0;stroke-width:.4;fill-rule:evenodd}
            .site{stroke-width:.8;fill-opacity:.6}
            .site.up{fill:#16a34a;stroke:#166534}.site.down{fill:#dc2626;stroke:#991b1b}
            .site:hover{fill-opacity:.9}
            .ring{fill:none;stroke:#6b7280;stroke-opacity:.5;stroke-dasharray:2 2}
            """;
}
