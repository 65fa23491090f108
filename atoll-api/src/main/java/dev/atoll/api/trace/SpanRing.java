package dev.atoll.api.trace;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The last spans this process ended, in memory and bounded: how a trace is seen without a collector
 * ({@code GET /v1/traces/{id}} on every process that serves HTTP). The oldest go first.
 */
public final class SpanRing implements SpanExporter {
    private final int capacity;
    private final ArrayDeque<SpanData> spans;

    public SpanRing(int capacity) {
        this.capacity = capacity;
        this.spans = new ArrayDeque<>(capacity);
    }

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> ended) {
        for (SpanData span : ended) {
            if (spans.size() == capacity) spans.removeFirst();
            spans.addLast(span);
        }
        return CompletableResultCode.ofSuccess();
    }

    /** The spans of one trace this process kept, by start time. */
    public synchronized List<SpanData> trace(String traceId) {
        return spans.stream()
                .filter(s -> s.getTraceId().equals(traceId))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .toList();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
