package dev.atoll.bench.rebalance;

/** Who decides moves in a rebalancing run. */
public enum Strategy {
    /** Nobody: what the cloud looks like without rebalancing. */
    NONE("nothing"),
    /** The DVMS neighbour scheduler: one partition per event, grown around it. */
    NEIGHBOURS("neighbours (DVMS)"),
    /** Timefold over the whole cloud, from the same detection, one plan at a time. */
    CENTRAL("central Timefold");

    public final String label;

    Strategy(String label) {
        this.label = label;
    }
}
