package dev.atoll.control.site;

/**
 * Something a user would want to know that applying a command caused. The shell stamps it with a
 * sequence number and time and publishes it; the state machine itself only describes it. {@code
 * tenant} owns the environment it is about; null for events about nodes, which every tenant sees.
 */
public record SiteEvent(String type, String environment, String instance, String message, String tenant) {
    /** An event about the site's machinery (a node), seen by every tenant. */
    public SiteEvent(String type, String environment, String instance, String message) {
        this(type, environment, instance, message, null);
    }
}
