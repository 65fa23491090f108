package dev.atoll.agent.usage;

import dev.atoll.model.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * What a node's instances use, measured from {@code /proc}: the cpu their main processes spent
 * since the last measure (user and system time, in clock ticks of 10 ms) over the time that passed,
 * in millicores, and their resident memory. The main process of an instance is its own for the
 * {@code process} driver, the container's init for {@code oci} and QEMU for {@code microvm}; the
 * children a process forks are not counted (a shell that runs its work in a child measures low).
 * A process seen for the first time counts no cpu until the next measure.
 */
public final class ProcessUsage {
    /** USER_HZ on Linux: what /proc counts cpu time in. */
    static final long TICKS_PER_SECOND = 100;

    static final long PAGE_BYTES = 4096;

    private final Path proc;
    private final Clock clock;
    private Map<Long, long[]> last = new HashMap<>();

    public ProcessUsage(Path proc, Clock clock) {
        this.proc = proc;
        this.clock = clock;
    }

    public static ProcessUsage ofThisMachine(Clock clock) {
        return new ProcessUsage(Path.of("/proc"), clock);
    }

    /** The cpu and memory of {@code pids} now; processes gone or unreadable count nothing. */
    public synchronized Resources measure(Collection<Long> pids) {
        long now = clock.millis();
        Map<Long, long[]> seen = new HashMap<>();
        long cpuMillis = 0;
        long memoryBytes = 0;
        for (long pid : pids) {
            long ticks;
            long residentPages;
            try {
                ticks = cpuTicks(
                        Files.readString(proc.resolve(Long.toString(pid)).resolve("stat")));
                residentPages = residentPages(
                        Files.readString(proc.resolve(Long.toString(pid)).resolve("statm")));
            } catch (IOException | RuntimeException e) {
                continue; // gone meanwhile, or not ours to read
            }
            seen.put(pid, new long[] {ticks, now});
            memoryBytes += residentPages * PAGE_BYTES;
            long[] before = last.get(pid);
            if (before != null && now > before[1] && ticks >= before[0]) {
                long busyMillis = (ticks - before[0]) * 1000 / TICKS_PER_SECOND;
                cpuMillis += busyMillis * 1000 / (now - before[1]);
            }
        }
        last = seen;
        return new Resources(cpuMillis, memoryBytes);
    }

    /** utime + stime: fields 14 and 15, counted after the command name, which may hold spaces. */
    static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    static long residentPages(String statm) {
        return Long.parseLong(statm.trim().split("\\s+")[1]);
    }
}
