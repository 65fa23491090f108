package dev.atoll.bench.check;

/**
 * Hard constraints a placement broke, counted by kind.
 *
 * @param overCommittedNodes nodes given more cpu, memory or instances than they have
 * @param outsideJurisdiction instances on a site outside their service's jurisdictions
 * @param tooFar instances on a site farther from a service's users than their latency bound
 * @param underSpread services whose placed instances cover fewer sites than their spread asks
 *     (or than they have instances, when fewer were placed)
 * @param underSpreadPartlyPlaced of {@code underSpread}, the services not all of whose instances
 *     were placed: the system gave up on them half-way and left the others where they were
 * @param withoutDriver instances on a node that lacks their driver
 */
public record Violations(
        int overCommittedNodes,
        int outsideJurisdiction,
        int tooFar,
        int underSpread,
        int underSpreadPartlyPlaced,
        int withoutDriver) {
    public static final Violations NONE = new Violations(0, 0, 0, 0, 0, 0);

    public int total() {
        return overCommittedNodes + outsideJurisdiction + tooFar + underSpread + withoutDriver;
    }

    /** "0", or the kinds that are not zero: "12 (jurisdiction 5, latency 5, spread 2 [1 partly placed])". */
    public String describe() {
        if (total() == 0) return "0";
        StringBuilder kinds = new StringBuilder();
        append(kinds, "capacity", overCommittedNodes);
        append(kinds, "jurisdiction", outsideJurisdiction);
        append(kinds, "latency", tooFar);
        append(kinds, "spread", underSpread);
        if (underSpreadPartlyPlaced > 0) kinds.append(String.format(" [%,d partly placed]", underSpreadPartlyPlaced));
        append(kinds, "driver", withoutDriver);
        return String.format("%,d (%s)", total(), kinds);
    }

    private static void append(StringBuilder out, String kind, int count) {
        if (count == 0) return;
        if (!out.isEmpty()) out.append(", ");
        out.append(kind).append(' ').append(String.format("%,d", count));
    }
}
