package dev.atoll.cli.client;

/** One event of a text/event-stream, as its {@code id:}, {@code event:} and {@code data:} lines gave it. */
public record ServerSentEvent(String id, String event, String data) {}
