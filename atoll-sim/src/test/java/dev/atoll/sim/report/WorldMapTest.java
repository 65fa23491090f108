package dev.atoll.sim.report;

import static dev.atoll.sim.report.Reports.aSite;
import static dev.atoll.sim.report.Reports.withSites;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WorldMapTest {
    private static final Pattern VIEW_BOX = Pattern.compile("viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"");
    private static final Pattern SITE =
            Pattern.compile("<circle cx=\"([-0-9.]+)\" cy=\"([-0-9.]+)\" r=\"([0-9.]+)\" class=\"site (up|down)\"/>");

    @Test
    void aSiteAtLongitudeZeroLatitudeZeroSitsAtTheCentreOfTheMapsWidth() {
        SimReport report = withSites(List.of(aSite("null island", 0, 0, 7, 7, true)));

        String svg = new WorldMap(List.of(report)).svg(report);

        Matcher box = VIEW_BOX.matcher(svg);
        assertThat(box.find()).isTrue();
        double width = Double.parseDouble(box.group(1));
        List<Circle> sites = sites(svg);
        assertThat(sites).hasSize(1);
        assertThat(sites.get(0).cx()).isCloseTo(width / 2, within(0.05));
    }

    @Test
    void northIsUpAndEastIsRight() {
        SimReport report =
                withSites(List.of(aSite("oslo", 59.9, 10.7, 1, 1, true), aSite("lima", -12, -77, 1, 1, true)));
        WorldMap map = new WorldMap(List.of(report));

        assertThat(map.y(59.9)).isLessThan(map.y(0)).isLessThan(map.y(-12));
        assertThat(map.x(10.7, 59.9)).isGreaterThan(map.x(0, 0)).isGreaterThan(map.x(-77, -12));
        assertThat(map.y(WorldMap.NORTH)).isGreaterThan(0);
        assertThat(map.y(WorldMap.SOUTH)).isLessThan(map.height());
    }

    @Test
    void circleAreaIsProportionalToTheInstancesRunning() {
        SimReport report =
                withSites(List.of(aSite("big", 40, 0, 400, 400, true), aSite("small", 0, 30, 100, 100, true)));

        List<Circle> sites = sites(new WorldMap(List.of(report)).svg(report));

        double bigArea = Math.pow(sites.get(0).r(), 2);
        double smallArea = Math.pow(sites.get(1).r(), 2);
        assertThat(bigArea / smallArea).isCloseTo(4, within(0.1));
    }

    @Test
    void aSiteDownAtTheEndIsRedAndShowsItsPeakAsARing() {
        SimReport report = withSites(List.of(aSite("down", 10, 10, 0, 30, false)));

        String svg = new WorldMap(List.of(report)).svg(report);

        assertThat(sites(svg)).singleElement().satisfies(site -> {
            assertThat(site.state()).isEqualTo("down");
            assertThat(site.r()).isGreaterThanOrEqualTo(WorldMap.SMALLEST_DOWN_RADIUS);
        });
        assertThat(svg).contains("class=\"ring\"");
        assertThat(svg).contains("<title>down (GB, EU): 3 nodes, 0 running (peak 30), down at the end</title>");
    }

    @Test
    void reportsShownTogetherShareOneSizeScale() {
        SimReport edge = withSites(List.of(aSite("e", 0, 0, 10, 10, true)));
        SimReport bigDc = withSites(List.of(aSite("d", 0, 0, 1000, 1000, true)));
        WorldMap shared = new WorldMap(List.of(edge, bigDc));

        double edgeRadius = sites(shared.svg(edge)).get(0).r();
        double bigDcRadius = sites(shared.svg(bigDc)).get(0).r();

        assertThat(bigDcRadius / edgeRadius).isCloseTo(10, within(0.2));
    }

    @Test
    void aThousandSitesStayAPageOfReasonableSize() {
        SimReport report = withSites(Reports.manySites(1000));

        String svg = new WorldMap(List.of(report)).svg(report);

        assertThat(sites(svg)).hasSize(1000);
        assertThat(svg.length()).isLessThan(400_000);
    }

    @Test
    void theMapDrawsLand() {
        SimReport report = withSites(List.of());

        String svg = new WorldMap(List.of(report)).svg(report);

        assertThat(svg).containsPattern("<path d=\"M[^\"]{10000,}\" class=\"land\"/>");
        assertThat(svg).contains("no data: no sites");
    }

    record Circle(double cx, double cy, double r, String state) {}

    private static List<Circle> sites(String svg) {
        List<Circle> circles = new ArrayList<>();
        Matcher matcher = SITE.matcher(svg);
        while (matcher.find()) {
            circles.add(new Circle(
                    Double.parseDouble(matcher.group(1)),
                    Double.parseDouble(matcher.group(2)),
                    Double.parseDouble(matcher.group(3)),
                    matcher.group(4)));
        }
        return circles;
    }
}
