package dev.atoll.cli.bench;

import java.time.Duration;
import java.util.List;

final class Stats {
    private Stats() {}

    static Duration median(List<Duration> values) {
        List<Duration> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
