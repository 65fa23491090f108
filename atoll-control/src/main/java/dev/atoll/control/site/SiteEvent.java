package dev.atoll.control.site;

/**
 * Something a user would want to know that applying a command caused. The shell stamps it with a
 * sequence number and time and publishes it; the state machine itself only describes it.
 */
public record SiteEvent(String type, String environment, String instance, String message) {}
