package dev.atoll.net.plumbing;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The head-end replication list of a VXLAN device: one all-zero fdb entry per remote node, so the kernel sends each
 * broadcast, unknown-unicast and multicast frame once to every other node of the segment. Sites do not share a
 * multicast-capable underlay, so the multicast group VXLAN would otherwise use to flood is not available.
 *
 * @param toAdd remote underlay addresses that need an entry
 * @param toRemove entries towards addresses that are no longer nodes of the segment
 */
record FloodEntries(Set<String> toAdd, Set<String> toRemove) {
    static final String ALL_ZEROS = "00:00:00:00:00:00";

    private static final Pattern DESTINATION = Pattern.compile("^" + ALL_ZEROS + "\\s.*?\\bdst (\\S+)");

    FloodEntries {
        toAdd = new TreeSet<>(toAdd);
        toRemove = new TreeSet<>(toRemove);
    }

    /** What turns the flood list {@code present} into exactly {@code wanted}; sorted, so runs are repeatable. */
    static FloodEntries changes(Set<String> present, Set<String> wanted) {
        Set<String> add = new TreeSet<>(wanted);
        add.removeAll(present);
        Set<String> remove = new TreeSet<>(present);
        remove.removeAll(wanted);
        return new FloodEntries(add, remove);
    }

    /**
     * The destinations of the flood entries in the output of {@code bridge fdb show dev <vxlan>}, e.g. {@code
     * 00:00:00:00:00:00 dst 198.18.0.3 self permanent}. Learned entries (a real MAC) are the kernel's business.
     */
    static Set<String> parse(String fdbOutput) {
        Set<String> destinations = new TreeSet<>();
        for (String line : fdbOutput.split("\n")) {
            Matcher m = DESTINATION.matcher(line.strip());
            if (m.find()) {
                destinations.add(m.group(1));
            }
        }
        return destinations;
    }

    boolean none() {
        return toAdd.isEmpty() && toRemove.isEmpty();
    }
}
