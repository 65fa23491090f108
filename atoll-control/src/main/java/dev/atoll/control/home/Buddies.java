package dev.atoll.control.home;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
        Ring ring = ring(home, sites);
        int at = ring.index().get(home);
        int n = ring.ordered().size();
        List<String> after = new ArrayList<>(n - 1);
        for (int i = 1; i < n; i++) after.add(ring.ordered().get((at + i) % n));
        return after;
    }

    /** The live sites after the home in ring order: where its copies go, the first one first. */
    public static List<String> liveAfter(String home, Collection<String> sites, Set<String> dead) {
        return ringAfter(home, sites).stream().filter(s -> !dead.contains(s)).toList();
    }

    /** The buddies a home keeps its copies at now: the first {@link #COUNT} live sites after it. */
    public static List<String> of(String home, Collection<String> sites, Set<String> dead) {
        // Every site asks on every tick: walk the ring from the home instead of listing it all.
        Ring ring = ring(home, sites);
        int at = ring.index().get(home);
        int n = ring.ordered().size();
        List<String> buddies = new ArrayList<>(COUNT);
        for (int i = 1; i < n && buddies.size() < COUNT; i++) {
            String next = ring.ordered().get((at + i) % n);
            if (!dead.contains(next)) buddies.add(next);
        }
        return buddies;
    }

    /** The ring of a set of names: sorted once per set, as every site of a cloud asks with the same. */
    private record Ring(List<String> names, List<String> ordered, Map<String, Integer> index) {}

    private static volatile Ring last;

    private static Ring ring(String home, Collection<String> sites) {
        List<String> names = new ArrayList<>(sites);
        if (!names.contains(home)) names.add(home);
        Ring cached = last;
        if (cached != null && cached.names().equals(names)) return cached;
        List<String> ordered = new ArrayList<>(new java.util.TreeSet<>(names));
        ordered.sort(Comparator.comparingInt(Buddies::position).thenComparing(Comparator.naturalOrder()));
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < ordered.size(); i++) index.put(ordered.get(i), i);
        Ring ring = new Ring(List.copyOf(names), List.copyOf(ordered), Map.copyOf(index));
        last = ring;
        return ring;
    }

    // String.hashCode is specified by the language, so every JVM places a name at the same point;
    // the mixing spreads names that differ in one letter.
    private static int position(String site) {
        int h = site.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
