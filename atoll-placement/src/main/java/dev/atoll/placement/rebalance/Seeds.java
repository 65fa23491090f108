package dev.atoll.placement.rebalance;

/** Seeded tie-breaks, the same on every machine, so a decision can be replayed from its seed. */
final class Seeds {
    private Seeds() {}

    /** SplitMix64's finaliser over the seed and the name. */
    static long tieBreak(long seed, String name) {
        long z = seed + 0x9E3779B97F4A7C15L * (name.hashCode() + 0x632BE59BD9B4E019L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
