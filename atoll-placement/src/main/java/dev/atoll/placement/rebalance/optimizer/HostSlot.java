package dev.atoll.placement.rebalance.optimizer;

/**
 * A node as the solver sees it: a planning value with its capacity, its overload limits (less what
 * the node uses for itself), its site, and what it costs in use (the energy weight applied).
 */
public record HostSlot(
        int index,
        int site,
        long cpuMillis,
        long memoryBytes,
        int slots,
        long cpuLimitMillis,
        long memoryLimitBytes,
        long idleCost) {}
