package dev.atoll.control.federation;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a target tells a home about the replicas it runs for it: all of them, or only what changed
 * since its report numbered {@code since}. A busy pair of sites shares hundreds of replicas and
 * changes a few at a time, so most reports are changes; a home that cannot apply one (it missed the
 * one before, or restarted) answers {@link Receipt#SEND_EVERYTHING} and gets a full one.
 *
 * @param stream one run of the target's reporting (a new leader or a restored state starts another),
 *     so numbers of an old run never match those of a new one
 * @param number this report's number in its stream, one more than the last one sent
 * @param since {@link #EVERYTHING} for a full report, else the number of the report it follows
 * @param changed replicas added or changed (all of them in a full report), by instance key
 * @param gone instance keys the target no longer runs for the home (none in a full report)
 */
public record ReplicaReport(
        long stream, long number, long since, SortedMap<String, ReplicaStatus> changed, List<String> gone) {
    public static final long EVERYTHING = -1;

    public ReplicaReport {
        changed = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(changed));
        gone = List.copyOf(gone);
        if (since == EVERYTHING && !gone.isEmpty())
            throw new IllegalArgumentException("a full report has no gone keys");
    }

    public static ReplicaReport everything(long stream, long number, Map<String, ReplicaStatus> replicas) {
        return new ReplicaReport(stream, number, EVERYTHING, new TreeMap<>(replicas), List.of());
    }

    public boolean full() {
        return since == EVERYTHING;
    }

    /** A home's answer to a report. */
    public enum Receipt {
        /** Taken in (or, for a follower's controller, ignored as every report there is). */
        TAKEN,
        /** Changes that do not follow the last report this home took: send everything. */
        SEND_EVERYTHING
    }
}
