package dev.atoll.sim.report;

/**
 * One figure of the page. A plot is made for all the reports shown together, so side by side they
 * share their scales and can be compared by eye; it then draws one report at a time.
 */
interface Plot {
    /** The heading above the figure. */
    String title();

    /** What the marks mean, as escaped HTML (may name the classes of the legend swatches). */
    String captionHtml();

    /** One self-contained SVG element for this report. */
    String svg(SimReport report);
}
