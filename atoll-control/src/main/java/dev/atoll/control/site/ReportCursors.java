package dev.atoll.control.site;

import dev.atoll.control.federation.ReplicaReport;
import java.util.HashMap;
import java.util.Map;

/**
 * A home's cursor into each target's reports of replicas: the last report it took from the
 * target, which the target's next report of changes must follow (a full report follows anything).
 * Checking a report and queueing it are one step under one lock, so the reports of a target are
 * queued in the order they were taken and two arriving at once never both follow the same one.
 * The lock is held for a map look-up and a hand-over to the loop: reports come every few seconds.
 */
final class ReportCursors {
    /** The last report taken from one target. */
    private record Cursor(long stream, long number) {}

    private final Map<String, Cursor> last = new HashMap<>();

    /**
     * Takes {@code report} from {@code from} when it is full or follows the last one taken from
     * there, running {@code queue} (which hands the report to the loop) before anything else can
     * be taken from there; otherwise leaves everything as it was and asks for everything.
     */
    synchronized ReplicaReport.Receipt take(String from, ReplicaReport report, Runnable queue) {
        Cursor at = last.get(from);
        boolean follows = at != null && at.stream() == report.stream() && at.number() == report.since();
        if (!report.full() && !follows) return ReplicaReport.Receipt.SEND_EVERYTHING;
        queue.run();
        last.put(from, new Cursor(report.stream(), report.number()));
        return ReplicaReport.Receipt.TAKEN;
    }

    /** Whether a report from {@code from} was taken since it was last forgotten. */
    synchronized boolean tookFrom(String from) {
        return last.containsKey(from);
    }

    /** Forgets {@code from}: its next report of changes follows nothing, so it sends everything. */
    synchronized void forget(String from) {
        last.remove(from);
    }
}
