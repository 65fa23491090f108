package dev.atoll.sim.invariant;

/** An invariant that broke during a run: which one and what exactly. */
public record Violated(String invariant, String detail, String subject) {
    public static final String OVER_COMMIT = "no node over-committed";
    public static final String HARD_CONSTRAINT = "every hard constraint held";
    public static final String ENVIRONMENT_LOST = "no acknowledged environment lost";
    public static final String DUPLICATE = "at most one live instance per identity after fences settle";
    public static final String NOT_RUNNING = "every replica eventually running when capacity allows";
}
