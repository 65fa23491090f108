package dev.atoll.control.site;

import java.time.Duration;
import java.time.Instant;

/**
 * Judges a node from when its agent was last heard: alive, suspect (no new work goes there), or
 * down (its replicas are placed again elsewhere). Pure, so the simulator can run it on virtual time.
 */
public record NodeLiveness(Duration suspectAfter, Duration downAfter) {
    /**
     * Heartbeats come every 500 ms; two missed ones make a node suspect, three down. A crashed node
     * is so declared at most 2 s after its last heartbeat, as the design asks.
     */
    public static final NodeLiveness DEFAULT = new NodeLiveness(Duration.ofMillis(1000), Duration.ofMillis(1500));

    public enum Health {
        ALIVE,
        SUSPECT,
        DOWN
    }

    public Health judge(Instant lastHeard, Instant now) {
        // In nanoseconds rather than as a Duration: a site judges every node ten times a second.
        long silence = (now.getEpochSecond() - lastHeard.getEpochSecond()) * 1_000_000_000L
                + (now.getNano() - lastHeard.getNano());
        if (silence >= downAfter.toNanos()) return Health.DOWN;
        if (silence >= suspectAfter.toNanos()) return Health.SUSPECT;
        return Health.ALIVE;
    }
}
