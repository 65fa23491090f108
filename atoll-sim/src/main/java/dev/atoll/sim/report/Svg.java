package dev.atoll.sim.report;

import static dev.atoll.sim.report.Formats.px;
import static dev.atoll.sim.report.Html.escape;

/**
 * One inline SVG element, built as text. Its viewBox is {@link #WIDTH} wide and the page draws it
 * at 100% of the column, so it scales from a phone to a wide screen; colours and line styles come
 * from the page's style sheet through the class names given here.
 */
final class Svg {
    static final double WIDTH = 720;

    private final StringBuilder out = new StringBuilder(4096);

    Svg(String label, double height) {
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(px(WIDTH))
                .append(' ')
                .append(px(height))
                .append("\" role=\"img\" aria-label=\"")
                .append(escape(label))
                .append("\">");
    }

    Svg line(double x1, double y1, double x2, double y2, String cssClass) {
        out.append("<line x1=\"")
                .append(px(x1))
                .append("\" y1=\"")
                .append(px(y1))
                .append("\" x2=\"")
                .append(px(x2))
                .append("\" y2=\"")
                .append(px(y2))
                .append("\" class=\"")
                .append(escape(cssClass))
                .append("\"/>");
        return this;
    }

    /** A rectangle; {@code tooltip} may be null. */
    Svg rect(double x, double y, double width, double height, String cssClass, String tooltip) {
        out.append("<rect x=\"")
                .append(px(x))
                .append("\" y=\"")
                .append(px(y))
                .append("\" width=\"")
                .append(px(Math.max(0, width)))
                .append("\" height=\"")
                .append(px(Math.max(0, height)))
                .append("\" class=\"")
                .append(escape(cssClass))
                .append('"');
        return closeWithTooltip("rect", tooltip);
    }

    /** A circle; {@code tooltip} may be null. */
    Svg circle(double cx, double cy, double r, String cssClass, String tooltip) {
        out.append("<circle cx=\"")
                .append(px(cx))
                .append("\" cy=\"")
                .append(px(cy))
                .append("\" r=\"")
                .append(px(r))
                .append("\" class=\"")
                .append(escape(cssClass))
                .append('"');
        return closeWithTooltip("circle", tooltip);
    }

    /** A path; {@code d} is built from numbers by the caller, never from input text. */
    Svg path(String d, String cssClass) {
        if (!d.isEmpty()) {
            out.append("<path d=\"")
                    .append(escape(d))
                    .append("\" class=\"")
                    .append(escape(cssClass))
                    .append("\"/>");
        }
        return this;
    }

    /** Text at a point; {@code anchor} is start, middle or end. */
    Svg text(double x, double y, String anchor, String cssClass, String text) {
        out.append("<text x=\"")
                .append(px(x))
                .append("\" y=\"")
                .append(px(y))
                .append("\" text-anchor=\"")
                .append(escape(anchor))
                .append("\" class=\"")
                .append(escape(cssClass))
                .append("\">")
                .append(escape(text))
                .append("</text>");
        return this;
    }

    /** Groups what follows under one tooltip, until {@link #endGroup()}. */
    Svg group(String tooltip) {
        out.append("<g><title>").append(escape(tooltip)).append("</title>");
        return this;
    }

    Svg endGroup() {
        out.append("</g>");
        return this;
    }

    String end() {
        return out.append("</svg>").toString();
    }

    private Svg closeWithTooltip(String element, String tooltip) {
        if (tooltip == null) {
            out.append("/>");
        } else {
            out.append("><title>")
                    .append(escape(tooltip))
                    .append("</title></")
                    .append(element)
                    .append('>');
        }
        return this;
    }

    /** The placeholder drawn instead of a plot that has nothing to show. */
    static String noData(String label, String why) {
        double height = 120;
        return new Svg(label, height)
                .rect(0.5, 0.5, WIDTH - 1, height - 1, "frame", null)
                .text(WIDTH / 2, height / 2 + 5, "middle", "nodata", why)
                .end();
    }
}
