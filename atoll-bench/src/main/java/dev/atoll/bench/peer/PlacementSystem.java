package dev.atoll.bench.peer;

import dev.atoll.bench.instance.PlacementInstance;

/** A system that places every instance of a {@link PlacementInstance}: Atoll or one of its peers. */
public interface PlacementSystem {
    /** How the system is named in the table, e.g. "CloudSim Plus 8.5.7 first fit". */
    String name();

    /** Places the whole instance, timing only the placement itself. Never throws for a peer's failure. */
    Outcome place(PlacementInstance instance);
}
