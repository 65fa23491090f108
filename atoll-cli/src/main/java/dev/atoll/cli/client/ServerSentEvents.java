package dev.atoll.cli.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads a text/event-stream as the HTML Living Standard describes it, limited to what Atoll's
 * /v1/events sends: {@code id}, {@code event} and {@code data} fields, comments, blank-line dispatch.
 */
public final class ServerSentEvents {
    /** Bounds one event's data so a broken server cannot make the CLI hold unbounded text. */
    private static final int MAX_DATA_CHARS = 1 << 20;

    private ServerSentEvents() {}

    /** Hands each complete event to {@code sink} until the stream ends. */
    public static void read(BufferedReader reader, Consumer<ServerSentEvent> sink) throws IOException {
        String id = null;
        String event = null;
        StringBuilder data = null;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.isEmpty()) {
                if (data != null)
                    sink.accept(new ServerSentEvent(id, event == null ? "message" : event, data.toString()));
                event = null;
                data = null;
                continue;
            }
            if (line.startsWith(":")) continue;
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            switch (field) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "data" -> {
                    if (data == null) data = new StringBuilder();
                    else data.append('\n');
                    if (data.length() + value.length() > MAX_DATA_CHARS) {
                        throw new IOException("an event's data is larger than " + MAX_DATA_CHARS + " characters");
                    }
                    data.append(value);
                }
                default -> {
                    // retry: and unknown fields do not concern a CLI that reads one stream once.
                }
            }
        }
    }
}
