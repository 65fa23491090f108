package dev.atoll.model.trace;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a span sits in a trace, as W3C Trace Context's {@code traceparent} carries it
 * ({@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>}): what crosses the API, the wire
 * protocol (an offer's {@code traceparent}) and an agent's assignment, so that one deploy is one
 * trace from the API to every instance start. Control code sees only this record, never a tracing
 * library.
 */
public record TraceContext(String traceId, String spanId, boolean sampled) {
    private static final Pattern TRACEPARENT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");

    /** The {@code traceparent} header value. */
    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + (sampled ? "01" : "00");
    }

    /**
     * Reads a {@code traceparent}; empty when absent or malformed (a bad header starts a new trace,
     * as the W3C recommendation says, rather than failing the request), or all-zero ids.
     */
    public static Optional<TraceContext> parse(String traceparent) {
        if (traceparent == null) return Optional.empty();
        var m = TRACEPARENT.matcher(traceparent.trim());
        if (!m.matches() || m.group(1).equals("ff")) return Optional.empty();
        if (m.group(2).chars().allMatch(c -> c == '0') || m.group(3).chars().allMatch(c -> c == '0')) {
            return Optional.empty();
        }
        boolean sampled = (Integer.parseInt(m.group(4), 16) & 1) == 1;
        return Optional.of(new TraceContext(m.group(2), m.group(3), sampled));
    }

    /** {@link #traceparent()} of a context that may be absent: null then (an optional wire field). */
    public static String traceparentOf(TraceContext context) {
        return context == null ? null : context.traceparent();
    }
}
