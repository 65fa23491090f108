package dev.atoll.sim.report;

import java.util.Locale;

/**
 * How figures read in the summary and on the page: always {@link Locale#ROOT}, so a report looks
 * the same on every machine, and "-" for a figure that has no value (NaN, or a ratio over zero).
 */
final class Formats {
    static final String NONE = "-";

    private Formats() {}

    /** A latency: "0.85 ms", "12.1 ms", "480 ms". */
    static String ms(double ms) {
        return Double.isFinite(ms) ? number(ms) + " ms" : NONE;
    }

    /** A duration in simulated or wall seconds: "0.25 s", "12.3 s", "3600.0 s". */
    static String seconds(double seconds) {
        if (!Double.isFinite(seconds)) {
            return NONE;
        }
        return String.format(Locale.ROOT, Math.abs(seconds) < 1 ? "%.2f s" : "%.1f s", seconds);
    }

    /** Three significant figures or so, never exponent notation. */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return NONE;
        }
        double magnitude = Math.abs(value);
        String pattern = magnitude < 10 ? "%.2f" : magnitude < 100 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, pattern, value);
    }

    static String count(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }

    /** Simulated seconds per wall second. */
    static String speed(double speed) {
        return Double.isFinite(speed) ? number(speed) + "x" : NONE;
    }

    /** A share in [0, 1] as a percentage, with enough digits that 99.99% and 100% differ. */
    static String share(double share) {
        if (!Double.isFinite(share)) {
            return NONE;
        }
        double percent = share * 100;
        String pattern = percent >= 99 && percent < 100 ? "%.3f%%" : "%.1f%%";
        return String.format(Locale.ROOT, pattern, percent);
    }

    static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%,.0f MiB", bytes / (1024.0 * 1024.0));
    }

    /** {@code first / other}: "0.25"; "-" when it has no meaning. */
    static String ratio(double first, double other) {
        if (!Double.isFinite(first) || !Double.isFinite(other) || other == 0) {
            return NONE;
        }
        double ratio = first / other;
        double magnitude = Math.abs(ratio);
        String pattern = magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : magnitude >= 0.1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, ratio);
    }

    /** A coordinate in an SVG: one decimal is finer than any screen shows. */
    static String px(double value) {
        long tenths = Math.round(value * 10);
        if (tenths % 10 == 0) {
            return Long.toString(tenths / 10);
        }
        return (tenths < 0 ? "-" : "") + Math.abs(tenths) / 10 + "." + Math.abs(tenths) % 10;
    }

    /** An axis label: short, "0.5", "20", "1500", "20k", "1.5M". */
    static String tick(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 1_000_000) {
            return trim(value / 1_000_000) + "M";
        }
        if (magnitude >= 10_000) {
            return trim(value / 1_000) + "k";
        }
        return trim(value);
    }

    private static String trim(double value) {
        String text = String.format(Locale.ROOT, "%.3f", value);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    /** Cuts a label to {@code max} characters, ending with an ellipsis when cut. */
    static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
    }
}
