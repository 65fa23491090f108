package dev.atoll.model.view;

import java.time.Instant;

/**
 * Something that happened, for `atoll events` and the SSE stream. {@code seq} grows by one per
 * event in the process that serves it; {@code type} is a short kebab-case word such as
 * instance-started or environment-created.
 */
public record CloudEvent(
        long seq, Instant time, String type, String site, String environment, String instance, String message) {}
