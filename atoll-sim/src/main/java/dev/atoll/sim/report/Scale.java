package dev.atoll.sim.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps values in {@code [min, max]} to pixels in {@code [from, to]}, linearly or by their
 * logarithm, and says where its ticks go.
 */
record Scale(double min, double max, double from, double to, boolean log) {
    /** Latencies spanning more than this factor are drawn on a log scale. */
    static final double LOG_SCALE_ABOVE_RATIO = 50;

    Scale {
        if (log && !(min > 0)) {
            throw new IllegalArgumentException("a log scale needs a positive minimum, not " + min);
        }
        if (!(max > min)) {
            max = log ? min * 10 : min + 1;
        }
    }

    /** From zero to {@code max} rounded up to a tick, so the top gridline closes the plot. */
    static Scale fromZero(double max, double from, double to) {
        double top = Double.isFinite(max) && max > 0 ? niceCeil(max) : 1;
        return new Scale(0, top, from, to, false);
    }

    /**
     * For positive values such as latencies: linear from zero, or logarithmic between whole
     * decades when they span more than {@link #LOG_SCALE_ABOVE_RATIO}, so the fast ones stay
     * visible next to the slow ones.
     */
    static Scale forPositive(double lowest, double highest, double from, double to) {
        if (lowest > 0 && highest / lowest > LOG_SCALE_ABOVE_RATIO) {
            double min = Math.pow(10, Math.floor(Math.log10(lowest)));
            double max = Math.pow(10, Math.ceil(Math.log10(highest)));
            return new Scale(min, max, from, to, true);
        }
        return fromZero(highest, from, to);
    }

    double at(double value) {
        double share = log
                ? (Math.log10(Math.max(value, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
                : (value - min) / (max - min);
        return from + share * (to - from);
    }

    /** About five ticks on round numbers; on a log scale each decade, and 2 and 5 when few. */
    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        if (log) {
            int first = (int) Math.floor(Math.log10(min));
            int last = (int) Math.ceil(Math.log10(max));
            boolean few = last - first <= 2;
            for (int exponent = first; exponent <= last; exponent++) {
                double decade = Math.pow(10, exponent);
                for (double factor : few ? new double[] {1, 2, 5} : new double[] {1}) {
                    double tick = decade * factor;
                    if (tick >= min * 0.999 && tick <= max * 1.001) {
                        ticks.add(tick);
                    }
                }
            }
            return ticks;
        }
        double step = niceStep((max - min) / 5);
        // Bounded: (max - min) / step is at most about 7 by the choice of step.
        for (double tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step) {
            ticks.add(Math.abs(tick) < step * 1e-9 ? 0 : tick);
        }
        return ticks;
    }

    static double niceCeil(double value) {
        double step = niceStep(value / 5);
        return Math.ceil(value / step - 1e-9) * step;
    }

    /** 1, 2 or 5 times a power of ten, near {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double normal = raw / magnitude;
        double factor = normal < 1.5 ? 1 : normal < 3 ? 2 : normal < 7 ? 5 : 10;
        return factor * magnitude;
    }
}
