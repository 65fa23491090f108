package dev.atoll.placement.rebalance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How gradually a plan is applied: at most {@code maxInFlight} moves at once, at most {@code
 * maxStartsPerWindow} started in any {@code windowMillis}, one move at a time per instance, and a
 * plan's order kept where it matters: a move into a node that an earlier move (in flight, or not
 * yet started) is to leave waits until that move is done, as the plan counted on the room it frees.
 * Moves out of one node, or into one node, otherwise run side by side.
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
        // Nodes whose room is still taken by an instance that is to leave: in-flight moves' sources,
        // and the sources of moves not started yet, earlier in the plan.
        Set<String> leaving = new HashSet<>();
        Set<String> busyInstances = new HashSet<>();
        for (Move m : inFlight) {
            leaving.add(node(m.from()));
            busyInstances.add(m.id().key());
        }
        for (Move m : remaining) {
            if (out.size() >= budget) break;
            boolean free = !busyInstances.contains(m.id().key()) && !leaving.contains(node(m.to()));
            if (free) out.add(m);
            // Started now or waiting, its source's room is not free until it is done.
            leaving.add(node(m.from()));
            busyInstances.add(m.id().key());
        }
        return out;
    }

    private static String node(dev.atoll.placement.Assignment a) {
        return a.site() + "/" + (a.node() == null ? "*" : a.node());
    }
}
