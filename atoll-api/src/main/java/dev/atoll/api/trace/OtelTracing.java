package dev.atoll.api.trace;

import dev.atoll.model.trace.TraceContext;
import dev.atoll.model.trace.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Tracing} on the OpenTelemetry SDK: every span ends up in this process's {@link SpanRing}
 * (seen at {@code GET /v1/traces/{id}}), and, when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set, is
 * also sent there over OTLP/HTTP (off by default). Every span is sampled: a deploy is rare next to
 * what a span costs.
 */
public final class OtelTracing implements Tracing, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OtelTracing.class);
    /** Spans kept in memory: a deploy of a few hundred replicas makes about three per replica. */
    public static final int RING_CAPACITY = 4096;

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final SpanRing ring;

    private OtelTracing(SdkTracerProvider provider, SpanRing ring) {
        this.provider = provider;
        this.tracer = provider.get("dev.atoll");
        this.ring = ring;
    }

    /**
     * @param service what this process is, as {@code service.name} ("atoll-site london", "atoll-agent london/n1")
     * @param environment the process environment: OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://127.0.0.1:4318)
     */
    public static OtelTracing create(String service, Map<String, String> environment) {
        SpanRing ring = new SpanRing(RING_CAPACITY);
        var builder = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service))))
                .addSpanProcessor(SimpleSpanProcessor.create(ring));
        String endpoint = environment.get("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (endpoint != null && !endpoint.isBlank()) {
            String traces = endpoint.endsWith("/") ? endpoint + "v1/traces" : endpoint + "/v1/traces";
            builder.addSpanProcessor(BatchSpanProcessor.builder(
                            OtlpHttpSpanExporter.builder().setEndpoint(traces).build())
                    .build());
            log.info("sending traces over OTLP to {}", traces);
        }
        return new OtelTracing(builder.build(), ring);
    }

    /** The spans this process ended lately. */
    public SpanRing ring() {
        return ring;
    }

    @Override
    public Tracing.Span start(String name, TraceContext parent, Map<String, String> attributes) {
        return new Started(begin(name, parent, attributes, SpanKind.INTERNAL));
    }

    /**
     * Starts a span that serves a request (an API deploy) and makes it current on this thread until
     * the returned handle is closed, so that what the request calls into traces under it.
     */
    public Served serve(String name, TraceContext parent, Map<String, String> attributes) {
        io.opentelemetry.api.trace.Span span = begin(name, parent, attributes, SpanKind.SERVER);
        return new Served(span, span.makeCurrent());
    }

    private io.opentelemetry.api.trace.Span begin(
            String name, TraceContext parent, Map<String, String> attributes, SpanKind kind) {
        var builder = tracer.spanBuilder(name).setSpanKind(kind);
        if (parent == null) {
            builder.setNoParent();
        } else {
            builder.setParent(Context.root()
                    .with(io.opentelemetry.api.trace.Span.wrap(SpanContext.createFromRemoteParent(
                            parent.traceId(),
                            parent.spanId(),
                            parent.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(),
                            TraceState.getDefault()))));
        }
        attributes.forEach(builder::setAttribute);
        return builder.startSpan();
    }

    @Override
    public TraceContext current() {
        return contextOf(io.opentelemetry.api.trace.Span.current());
    }

    @Override
    public Tracing.Scope enter(TraceContext context) {
        if (context == null) return () -> {};
        var scope = Context.root()
                .with(io.opentelemetry.api.trace.Span.wrap(SpanContext.createFromRemoteParent(
                        context.traceId(),
                        context.spanId(),
                        context.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(),
                        TraceState.getDefault())))
                .makeCurrent();
        return scope::close;
    }

    private static TraceContext contextOf(io.opentelemetry.api.trace.Span span) {
        SpanContext context = span.getSpanContext();
        return context.isValid()
                ? new TraceContext(context.getTraceId(), context.getSpanId(), context.isSampled())
                : null;
    }

    /** A span of control or agent code; ends once (a second end is ignored). */
    private record Started(io.opentelemetry.api.trace.Span span, AtomicBoolean ended) implements Tracing.Span {
        Started(io.opentelemetry.api.trace.Span span) {
            this(span, new AtomicBoolean());
        }

        @Override
        public TraceContext context() {
            return contextOf(span);
        }

        @Override
        public void fail(String why) {
            if (ended.get()) return;
            span.setStatus(StatusCode.ERROR, why == null ? "" : why);
            end();
        }

        @Override
        public void end() {
            if (ended.compareAndSet(false, true)) span.end();
        }
    }

    /** The span of a request, current on its thread until closed. */
    public record Served(io.opentelemetry.api.trace.Span span, io.opentelemetry.context.Scope scope)
            implements AutoCloseable {
        public TraceContext context() {
            return contextOf(span);
        }

        public void fail(String why) {
            span.setStatus(StatusCode.ERROR, why == null ? "" : why);
        }

        public void attribute(String key, String value) {
            span.setAttribute(key, value);
        }

        @Override
        public void close() {
            scope.close();
            span.end();
        }
    }

    @Override
    public void close() {
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }
}
