package dev.atoll.agent.restart;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What an agent remembers of one instance's recent exits, and what follows from it: how long to
 * wait before the next restart and whether it is crash-looping. A value; every method is pure.
 *
 * @param recentExits exits inside the crash-loop window, oldest first (at most the threshold)
 * @param quickExits exits in a row without the process staying up for {@code resetAfter}
 */
public record CrashHistory(List<Instant> recentExits, int quickExits) {
    public static final CrashHistory NONE = new CrashHistory(List.of(), 0);

    public CrashHistory {
        recentExits = List.copyOf(recentExits);
    }

    /** The history after the process exited at {@code at}, having run for {@code uptime}. */
    public CrashHistory afterExit(Instant at, Duration uptime, RestartRules rules) {
        int quick = uptime.compareTo(rules.resetAfter()) >= 0 ? 1 : quickExits + 1;
        Instant windowStart = at.minus(rules.crashLoopWindow());
        var exits = new ArrayList<Instant>(rules.crashLoopExits());
        for (Instant e : recentExits) if (e.isAfter(windowStart)) exits.add(e);
        exits.add(at);
        // Only the last `threshold` exits can decide anything: keep the list bounded.
        while (exits.size() > rules.crashLoopExits()) exits.remove(0);
        return new CrashHistory(exits, quick);
    }

    /** The process stayed up long enough: start afresh. */
    public CrashHistory recovered() {
        return NONE;
    }

    /** The wait before the next restart: initial, doubling per quick exit in a row, capped. */
    public Duration backOff(RestartRules rules) {
        if (quickExits <= 1) return rules.backOffInitial();
        double factor = Math.pow(rules.backOffMultiplier(), quickExits - 1);
        double millis = rules.backOffInitial().toMillis() * factor;
        long max = rules.backOffMax().toMillis();
        return Duration.ofMillis(millis >= max ? max : (long) millis);
    }

    /** Whether {@code threshold} exits happened inside the window that ends at {@code now}. */
    public boolean crashLooping(Instant now, RestartRules rules) {
        if (recentExits.size() < rules.crashLoopExits()) return false;
        return recentExits.get(0).isAfter(now.minus(rules.crashLoopWindow()));
    }
}
