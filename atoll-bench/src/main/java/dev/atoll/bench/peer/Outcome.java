package dev.atoll.bench.peer;

import java.time.Duration;

/** What a {@link PlacementSystem} made of an instance. */
public sealed interface Outcome {
    String system();

    /**
     * @param nodeOf for each instance, the node it runs on, or -1 when the system did not place it
     * @param elapsed the wall time of the placement alone (models built, logs off)
     * @param note what the reader should know about this run ("no solution within 60 s"), or ""
     */
    record Placed(String system, int[] nodeOf, Duration elapsed, String note) implements Outcome {}

    /** The system could not run: its artifact did not load, its API refused the model, ... */
    record NotAvailable(String system, String why) implements Outcome {}
}
