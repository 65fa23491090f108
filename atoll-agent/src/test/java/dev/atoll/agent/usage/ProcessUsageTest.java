package dev.atoll.agent.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's use from /proc: cpu from the ticks spent between two measures, memory from resident pages. */
class ProcessUsageTest {
    @TempDir
    Path proc;

    private void process(long pid, String name, long utime, long stime, long residentPages) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        Files.writeString(
                dir.resolve("stat"),
                pid + " (" + name + ") S 1 1 1 0 -1 4194560 100 0 0 0 " + utime + " " + stime + " 0 0 20 0 1 0 0\n");
        Files.writeString(dir.resolve("statm"), "5000 " + residentPages + " 300 10 0 400 0\n");
    }

    private static Clock at(long millis) {
        return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    @Test
    void cpuIsTheTicksSpentBetweenTwoMeasuresOverTheTimeBetweenThem() throws IOException {
        process(10, "web server", 100, 50, 256);
        process(11, "db", 1_000, 0, 1024);
        var clock = new java.util.concurrent.atomic.AtomicLong(10_000);
        var usage = new ProcessUsage(proc, new Clock() {
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return Instant.ofEpochMilli(clock.get());
            }
        });

        // The first measure knows no earlier ticks: memory only
        assertThat(usage.measure(List.of(10L, 11L))).isEqualTo(new Resources(0, (256 + 1024) * 4096L));

        // Half a second later, web spent 25 ticks (250 ms: 500m) and db 50 (500 ms: a whole core)
        process(10, "web server", 120, 55, 256);
        process(11, "db", 1_050, 0, 1024);
        clock.set(10_500);
        assertThat(usage.measure(List.of(10L, 11L))).isEqualTo(new Resources(1500, (256 + 1024) * 4096L));
    }

    @Test
    void aProcessThatIsGoneCountsNothing() throws IOException {
        process(10, "web", 100, 0, 100);
        var usage = new ProcessUsage(proc, at(0));

        assertThat(usage.measure(List.of(10L, 99L))).isEqualTo(new Resources(0, 100 * 4096L));
    }

    @Test
    void readsTheFieldsAfterACommandNameWithSpacesAndParentheses() {
        assertThat(ProcessUsage.cpuTicks("7 (a (b) c) R 1 1 1 0 -1 0 0 0 0 0 12 34 0 0 20 0"))
                .isEqualTo(46);
        assertThat(ProcessUsage.residentPages("100 42 3 4 0 5 0")).isEqualTo(42);
    }
}
