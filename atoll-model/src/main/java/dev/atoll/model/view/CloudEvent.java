package dev.atoll.model.view;

import java.time.Instant;

/**
 * Something that happened, for `atoll events` and the SSE stream. {@code seq} grows by one per
 * event in the process that serves it; {@code type} is a short kebab-case word such as
 * instance-started or environment-created. {@code tenant} is the tenant whose environment or
 * instance it is about, and null for events about the cloud's shared machinery (nodes, sites),
 * which every tenant sees.
 */
public record CloudEvent(
        long seq,
        Instant time,
        String type,
        String site,
        String environment,
        String instance,
        String message,
        String tenant) {

    /** An event about the cloud's shared machinery (no tenant). */
    public CloudEvent(
            long seq, Instant time, String type, String site, String environment, String instance, String message) {
        this(seq, time, type, site, environment, instance, message, null);
    }

    /** Whether a caller of {@code tenant} may see it: its own events and the cloud's shared ones. */
    public boolean visibleTo(String tenant) {
        return this.tenant == null || this.tenant.equals(tenant);
    }
}
