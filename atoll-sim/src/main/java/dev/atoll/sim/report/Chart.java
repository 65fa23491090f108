package dev.atoll.sim.report;

import java.util.List;
import java.util.function.DoubleFunction;

/**
 * The frame of an x-y plot: the plot area inside margins for tick labels, gridlines, axis titles
 * and a legend. Plots ask it for their scales and draw their data inside.
 */
record Chart(double height, double left, double right, double top, double bottom) {
    static final double ROW = 18;

    static Chart standard(double height) {
        return new Chart(height, 56, 16, 30, 40);
    }

    double plotLeft() {
        return left;
    }

    double plotRight() {
        return Svg.WIDTH - right;
    }

    double plotTop() {
        return top;
    }

    double plotBottom() {
        return height - bottom;
    }

    Scale timeScale(double maxSeconds) {
        return Scale.fromZero(maxSeconds, plotLeft(), plotRight());
    }

    /** Gridlines and labels for both axes; {@code yUnit} is written above the y axis. */
    void axes(Svg svg, Scale x, Scale y, String xTitle, String yUnit) {
        axes(svg, x, y, xTitle, yUnit, Formats::tick);
    }

    void axes(Svg svg, Scale x, Scale y, String xTitle, String yUnit, DoubleFunction<String> yLabel) {
        for (double tick : y.ticks()) {
            double at = y.at(tick);
            svg.line(plotLeft(), at, plotRight(), at, "grid");
            svg.text(plotLeft() - 6, at + 4, "end", "tick", yLabel.apply(tick));
        }
        xAxis(svg, x, xTitle);
        svg.line(plotLeft(), plotTop(), plotLeft(), plotBottom(), "axis");
        svg.text(plotLeft() - 6, plotTop() - 12, "end", "unit", yUnit + (y.log() ? " (log)" : ""));
    }

    void xAxis(Svg svg, Scale x, String xTitle) {
        for (double tick : x.ticks()) {
            double at = x.at(tick);
            svg.line(at, plotBottom(), at, plotBottom() + 4, "axis");
            svg.text(at, plotBottom() + 16, "middle", "tick", Formats.tick(tick));
        }
        svg.line(plotLeft(), plotBottom(), plotRight(), plotBottom(), "axis");
        svg.text((plotLeft() + plotRight()) / 2, height - 6, "middle", "unit", xTitle);
    }

    /** Legend entries laid out from the right edge along the top margin. */
    void legend(Svg svg, List<LegendEntry> entries) {
        double x = plotRight();
        for (int i = entries.size() - 1; i >= 0; i--) {
            LegendEntry entry = entries.get(i);
            double textWidth = entry.label().length() * 6.5;
            svg.text(x, 14, "end", "legend", entry.label());
            x -= textWidth + 4;
            svg.line(x - 16, 10, x, 10, entry.cssClass());
            x -= 16 + 14;
        }
    }

    record LegendEntry(String label, String cssClass) {}

    /**
     * An SVG path through the points, lifted where a y is NaN so a gap in the data shows as one.
     */
    static String polyline(double[] xs, double[] ys) {
        StringBuilder d = new StringBuilder();
        boolean drawing = false;
        for (int i = 0; i < xs.length; i++) {
            if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
                drawing = false;
                continue;
            }
            d.append(drawing ? " L" : (d.isEmpty() ? "M" : " M"))
                    .append(Formats.px(xs[i]))
                    .append(' ')
                    .append(Formats.px(ys[i]));
            drawing = true;
        }
        return d.toString();
    }

    /** Few points are also marked one by one: a line through one point shows nothing. */
    static void dots(Svg svg, double[] xs, double[] ys, String cssClass) {
        if (xs.length > 40) {
            return;
        }
        for (int i = 0; i < xs.length; i++) {
            if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
                svg.circle(xs[i], ys[i], 2.5, cssClass + " dot", null);
            }
        }
    }
}
