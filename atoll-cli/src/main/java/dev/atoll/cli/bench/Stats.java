package dev.atoll.cli.bench;

import java.time.Duration;
import java.util.List;

final class Stats {
    private Stats() {}

    static Duration median(List<Duration> values) {
        List<Duration> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    static Duration percentile(List<Duration> values, double p) {
        List<Duration> sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }
}
