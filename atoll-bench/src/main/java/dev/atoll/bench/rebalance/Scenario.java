package dev.atoll.bench.rebalance;

/**
 * What happens to the cloud at time zero of a run.
 *
 * <ul>
 *   <li>{@link #HOT_SPOT}: the instances of three nodes (drawn from the seed: two of one site, one
 *       of another) start using {@link #HOT_FACTOR} times the cpu they asked for; every other
 *       instance uses {@link #NORMAL_FACTOR} of it.
 *   <li>{@link #DRAIN}: an operator drains two nodes of one site (drawn from the seed).
 *   <li>{@link #USER_MOVEMENT}: the day moves on: every service's users are now near another of the
 *       sites its jurisdiction allows (bounds dropped, so no placement becomes illegal), as users of
 *       a service follow the sun.
 * </ul>
 */
public enum Scenario {
    HOT_SPOT("hot spot"),
    DRAIN("drain"),
    USER_MOVEMENT("user movement");

    public static final double HOT_FACTOR = 1.7;
    public static final double NORMAL_FACTOR = 0.8;

    public final String label;

    Scenario(String label) {
        this.label = label;
    }
}
