package dev.atoll.model.view;

/**
 * The round trip between two sites as {@code from} sees it: measured by its gossip probes where it
 * has a measurement ({@code measured}), else estimated from the sites' coordinates.
 */
public record SiteLink(String from, String to, double rttMs, boolean measured) {}
