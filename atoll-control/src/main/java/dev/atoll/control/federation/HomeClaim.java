package dev.atoll.control.federation;

import java.time.Instant;
import java.util.Comparator;

/**
 * Which site homes an environment, and how strongly: the fence that keeps a home that was cut off
 * (or given up for dead and adopted) from acting on an environment a buddy took over.
 *
 * <p>Claims are ordered by the environment's incarnation ({@code createdAt}: a name deleted and
 * created again is a new environment), then by {@code homeEpoch} (every adoption adds one), then by
 * site name (two buddies that adopted at the same epoch, which only happens when their views of the
 * dead sites differed, still agree on one winner).
 *
 * @param homeSite the site that homes the environment
 * @param homeEpoch 1 for the site the environment was deployed through, one more per adoption
 * @param createdAt when the environment was created: the same for every home of one incarnation
 */
public record HomeClaim(String homeSite, long homeEpoch, Instant createdAt) {
    private static final Comparator<HomeClaim> ORDER = Comparator.comparing(HomeClaim::createdAt)
            .thenComparingLong(HomeClaim::homeEpoch)
            .thenComparing(HomeClaim::homeSite);

    /** Whether this claim wins over {@code other} (a claim never outranks itself). */
    public boolean outranks(HomeClaim other) {
        return other == null || ORDER.compare(this, other) > 0;
    }

    /** The winner of two claims, either of which may be absent. */
    public static HomeClaim stronger(HomeClaim a, HomeClaim b) {
        if (a == null) return b;
        if (b == null) return a;
        return b.outranks(a) ? b : a;
    }

    public String describe() {
        return "site " + homeSite + " (home epoch " + homeEpoch + ")";
    }
}
