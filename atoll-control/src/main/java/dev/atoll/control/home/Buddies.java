package dev.atoll.control.home;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which sites keep a copy of a home's environments: the next live sites after the home on a ring
 * of site names (DESIGN.md). Every site computes the same ring from the same names, so the buddy a
 * home copies to is the buddy the others expect to adopt when the home dies. The ring is ordered
 * by a hash of the name, not the name itself, so that the sites whose names sort first do not
 * keep every copy.
 */
public final class Buddies {
    /** How many buddies a home keeps its copies at (acknowledgement waits for the first). */
    public static final int COUNT = 1;

    private Buddies() {}

    /** Every known site but the home, in ring order after it; dead ones included. */
    public static List<String> ringAfter(String home, Collection<String> sites) {
        List<String> ring = new ArrayList<>(Set.copyOf(sites));
        if (!ring.contains(home)) ring.add(home);
        ring.sort(Comparator.comparingInt(Buddies::position).thenComparing(Comparator.naturalOrder()));
        int at = ring.indexOf(home);
        List<String> after = new ArrayList<>(ring.size() - 1);
        for (int i = 1; i < ring.size(); i++) after.add(ring.get((at + i) % ring.size()));
        return after;
    }

    /** The live sites after the home in ring order: where its copies go, the first one first. */
    public static List<String> liveAfter(String home, Collection<String> sites, Set<String> dead) {
        return ringAfter(home, sites).stream().filter(s -> !dead.contains(s)).toList();
    }

    /** The buddies a home keeps its copies at now: the first {@link #COUNT} live sites after it. */
    public static List<String> of(String home, Collection<String> sites, Set<String> dead) {
        List<String> live = liveAfter(home, sites, dead);
        return live.subList(0, Math.min(COUNT, live.size()));
    }

    // String.hashCode is specified by the language, so every JVM places a name at the same point;
    // the mixing spreads names that differ in one letter.
    private static int position(String site) {
        int h = site.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
