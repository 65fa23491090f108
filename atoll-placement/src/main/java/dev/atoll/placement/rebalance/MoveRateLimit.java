package dev.atoll.placement.rebalance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How gradually a plan is applied: at most {@code maxInFlight} moves at once, at most {@code
 * maxStartsPerWindow} started in any {@code windowMillis}, and never two moves in flight that touch
 * the same node (as source or target) or the same instance. The last rule also keeps a plan's
 * order: a move into the room an earlier move frees waits until that move is done.
 */
public record MoveRateLimit(int maxInFlight, int maxStartsPerWindow, long windowMillis) {
    /** Two moves at a time, ten a minute. */
    public static final MoveRateLimit DEFAULT = new MoveRateLimit(2, 10, 60_000);

    public MoveRateLimit {
        if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be 1 or more, got " + maxInFlight);
        if (maxStartsPerWindow < 1)
            throw new IllegalArgumentException("maxStartsPerWindow must be 1 or more, got " + maxStartsPerWindow);
        if (windowMillis < 1) throw new IllegalArgumentException("windowMillis must be 1 or more, got " + windowMillis);
    }

    /**
     * The moves of {@code remaining} (a plan's moves not yet started, in plan order) that may
     * start at {@code nowMillis}, in plan order.
     *
     * @param inFlight moves started and not yet done
     * @param startedAtMillis when each move already started (done or not) began, for the window
     */
    public List<Move> admit(List<Move> remaining, List<Move> inFlight, List<Long> startedAtMillis, long nowMillis) {
        int startedInWindow = 0;
        for (long t : startedAtMillis) if (t > nowMillis - windowMillis && t <= nowMillis) startedInWindow++;
        int budget = Math.min(maxInFlight - inFlight.size(), maxStartsPerWindow - startedInWindow);
        List<Move> out = new ArrayList<>();
        if (budget <= 0) return out;
        Set<String> busyNodes = new HashSet<>();
        Set<String> busyInstances = new HashSet<>();
        for (Move m : inFlight) touch(m, busyNodes, busyInstances);
        // Nodes a skipped move would touch stay busy for the moves after it: later moves must not
        // overtake an earlier one on the same node, as the plan's order is what keeps it feasible.
        for (Move m : remaining) {
            if (out.size() >= budget) break;
            boolean free = !busyInstances.contains(m.id().key())
                    && !busyNodes.contains(node(m.from()))
                    && !busyNodes.contains(node(m.to()));
            if (free) out.add(m);
            touch(m, busyNodes, busyInstances);
        }
        return out;
    }

    private static void touch(Move m, Set<String> nodes, Set<String> instances) {
        nodes.add(node(m.from()));
        nodes.add(node(m.to()));
        instances.add(m.id().key());
    }

    private static String node(dev.atoll.placement.Assignment a) {
        return a.site() + "/" + (a.node() == null ? "*" : a.node());
    }
}
