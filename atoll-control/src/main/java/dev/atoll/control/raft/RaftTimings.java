package dev.atoll.control.raft;

import java.time.Duration;
import java.util.Objects;

/**
 * How fast a Raft group notices a dead leader and how often it compacts its log.
 *
 * @param heartbeatPeriod how often the leader sends heartbeats (and followers check on it)
 * @param leaderTimeout how long followers go without a heartbeat before they elect a new leader;
 *     at least one heartbeat period
 * @param electionTimeout how long one election round may take before another starts
 * @param commitCountToTakeSnapshot committed entries between two snapshots (the log is truncated
 *     at each snapshot)
 */
public record RaftTimings(
        Duration heartbeatPeriod, Duration leaderTimeout, Duration electionTimeout, int commitCountToTakeSnapshot) {

    public RaftTimings {
        Objects.requireNonNull(heartbeatPeriod, "heartbeatPeriod");
        Objects.requireNonNull(leaderTimeout, "leaderTimeout");
        Objects.requireNonNull(electionTimeout, "electionTimeout");
        if (heartbeatPeriod.toMillis() < 10 || heartbeatPeriod.toMillis() > 10_000) {
            throw new IllegalArgumentException("heartbeatPeriod must be between 10 ms and 10 s: " + heartbeatPeriod);
        }
        if (leaderTimeout.compareTo(heartbeatPeriod) < 0) {
            throw new IllegalArgumentException(
                    "leaderTimeout " + leaderTimeout + " must not be shorter than heartbeatPeriod " + heartbeatPeriod);
        }
        if (electionTimeout.toMillis() < 10) {
            throw new IllegalArgumentException("electionTimeout must be at least 10 ms: " + electionTimeout);
        }
        if (commitCountToTakeSnapshot < 1) {
            throw new IllegalArgumentException(
                    "commitCountToTakeSnapshot must be positive: " + commitCountToTakeSnapshot);
        }
    }

    /**
     * Failover in about a second for the small in-process groups of {@code atoll dev}: a dead
     * leader is noticed after 4 missed heartbeats of 200 ms (fewer made busy laptops elect new
     * leaders spuriously); an election round that splits the vote is retried after 300 ms.
     */
    public static RaftTimings defaults() {
        return new RaftTimings(Duration.ofMillis(200), Duration.ofMillis(800), Duration.ofMillis(300), 1000);
    }

    public RaftTimings withCommitCountToTakeSnapshot(int count) {
        return new RaftTimings(heartbeatPeriod, leaderTimeout, electionTimeout, count);
    }
}
