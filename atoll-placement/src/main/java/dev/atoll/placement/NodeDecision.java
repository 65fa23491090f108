package dev.atoll.placement;

/** The node a replica goes to inside a site, or why no node can take it. */
public sealed interface NodeDecision {
    record Chosen(String node) implements NodeDecision {}

    record NoFit(Explanation why) implements NodeDecision {}
}
