package dev.atoll.placement;

/** One replica's place: a node of a site. */
public record Assignment(String site, String node) {}
