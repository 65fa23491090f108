package dev.atoll.sim.report;

import static dev.atoll.sim.report.Reports.aReport;
import static dev.atoll.sim.report.Reports.aSite;
import static dev.atoll.sim.report.Reports.anEmptyReport;
import static dev.atoll.sim.report.Reports.variant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.sim.report.SimReport.LatencyHistogram;
import dev.atoll.sim.report.SimReport.PlacementBucket;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportPageTest {
    private static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";
    private static final int PLOTS = 5;

    @Test
    void thePageReferencesNothingOnTheNetworkButTheSvgNamespace() {
        String html = ReportPage.of(aReport());

        assertThat(html.replace(SVG_NAMESPACE, "")).doesNotContain("http://", "https://", "//cdn");
        assertThat(html).doesNotContain("<script", "<link", "@import", "url(", "src=");
    }

    @Test
    void eachPlotIsOneInlineSvg() {
        String html = ReportPage.of(aReport());

        assertThat(count(html, "<svg ")).isEqualTo(PLOTS);
        assertThat(count(html, "</svg>")).isEqualTo(PLOTS);
        for (Plot plot : ReportPage.plots(List.of(aReport()))) {
            assertThat(html).contains("aria-label=\"" + plot.title() + "\"");
        }
    }

    @Test
    void aSiteNameIsEscapedInTheTooltipAndTheTable() {
        String html = ReportPage.of(aReport());

        assertThat(html).contains("<title>a&lt;b&amp;c (GB, EU)");
        assertThat(html).contains("<td>a&lt;b&amp;c</td>");
        assertThat(html).doesNotContain("a<b&c");
    }

    @Test
    void violationsShowTheirTraceInDetailsEscaped() {
        String html = ReportPage.of(aReport());

        assertThat(html).contains("seed 42 &middot; 1 invariant violation</p>");
        assertThat(html).contains("<details class=\"violation\"><summary><b>no-overcommit</b> at 1300.0 s");
        assertThat(html).contains("1300.0 replica started &lt;web-1&gt;</pre></details>");
    }

    @Test
    void aRunThatHeldItsInvariantsSaysSo() {
        String html = ReportPage.of(variant("calm", List.of(), 10));

        assertThat(html).contains("<p class=\"ok\">all invariants held</p>");
    }

    @Test
    void anEmptyReportRendersEveryPlotAsNoData() {
        String html = ReportPage.of(anEmptyReport());

        assertThat(count(html, "<svg ")).isEqualTo(PLOTS);
        assertThat(count(html, "no data")).isEqualTo(PLOTS);
        assertThat(html).contains("all invariants held").endsWith("</html>\n");
    }

    @Test
    void aReportWithoutAUserLatencyHistogramStillRenders() {
        SimReport r = anEmptyReport();
        SimReport noHistogram = new SimReport(
                "none", 1, 0, 0, 0, 0, Map.of(), List.of(), List.of(), List.of(), null, List.of(), List.of());

        assertThat(ReportPage.of(noHistogram)).contains("no data: no user latency samples");
        assertThat(SummaryText.of(noHistogram)).contains("user latency: no samples");
        assertThat(r.userLatency().availability()).isEqualTo(1);
    }

    @Test
    void userLatencyMarksItsPercentilesAndShowsAvailability() {
        String html = ReportPage.of(aReport());

        assertThat(html).contains("p50 12.1 ms", "p95 48.3 ms", "p99 120 ms");
        assertThat(html).contains("availability 99.448% of 905 samples");
        assertThat(html).contains("class=\"bar unserved\"");
    }

    @Test
    void aFaultThatNeverRecoveredIsAnOpenBar() {
        String html = ReportPage.of(aReport());

        assertThat(count(html, "class=\"open\"")).isEqualTo(1);
        assertThat(html).contains(">not recovered</text>", ">12.0 s</text>");
        assertThat(count(html, "class=\"recovered\"")).isEqualTo(1);
        assertThat(html)
                .contains("site crash sydney at 1200.0 s: 10 replicas hit, detected after 10.0 s, not recovered");
    }

    @Test
    void aComparisonShowsEveryPlotOncePerVariantWithRatiosOfTheFirst() {
        SimReport edge = variant("big-dc-vs-edge/edge", List.of(aSite("e1", 0, 0, 5, 5, true)), 10);
        SimReport bigDc = variant("big-dc-vs-edge/big-dc", List.of(aSite("d1", 50, 8, 50, 50, true)), 40);

        String html = ReportPage.comparison(Variants.of(List.of(edge, bigDc)));

        assertThat(count(html, "<svg ")).isEqualTo(2 * PLOTS);
        assertThat(html).contains("<h1>atoll sim: big-dc-vs-edge</h1>");
        assertThat(html).contains("<th>edge/big-dc</th>");
        assertThat(html).contains("<tr><td>user latency p50</td><td>10.0 ms</td><td>40.0 ms</td><td>0.25</td></tr>");
        assertThat(html.replace(SVG_NAMESPACE, "")).doesNotContain("http://", "https://");
    }

    @Test
    void placementLatencySpanningDecadesIsDrawnOnALogScale() {
        String html = ReportPage.of(aReport());

        assertThat(html).contains(">ms (log)</text>");
        String narrow = ReportPage.of(Reports.withPlacements(List.of(new PlacementBucket(0, 5, 10, 20, 30))));
        assertThat(narrow).contains(">ms</text>").doesNotContain("(log)");
    }

    @Test
    void histogramPositionsInterpolateWithinTheirBucket() {
        LatencyHistogram histogram =
                new LatencyHistogram(List.of(10.0, 20.0), List.of(1L, 1L, 1L), Double.NaN, Double.NaN, Double.NaN, 0);

        assertThat(UserLatencyPlot.bucketPosition(histogram, 5)).isEqualTo(0.5);
        assertThat(UserLatencyPlot.bucketPosition(histogram, 15)).isEqualTo(1.5);
        assertThat(UserLatencyPlot.bucketPosition(histogram, 500)).isEqualTo(2.5);
    }

    private static int count(String text, String part) {
        Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }
}
