package dev.atoll.api.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.atoll.model.trace.TraceContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Spans land in the process's ring, children join their parent's trace, and with
 * OTEL_EXPORTER_OTLP_ENDPOINT set they are also sent over OTLP/HTTP (here to a loopback receiver).
 */
class OtelTracingTest {
    private static final TraceContext PARENT = TraceContext.parse(
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .orElseThrow();

    @Test
    void aSpanUnderAParentJoinsItsTraceAndIsKeptInTheRing() {
        try (var tracing = OtelTracing.create("atoll-test", Map.of())) {
            var span = tracing.start("atoll.place", PARENT, Map.of("atoll.site", "london"));
            span.end();
            span.end(); // a second end changes nothing

            var kept = tracing.ring().trace(PARENT.traceId());
            assertThat(kept).hasSize(1);
            assertThat(kept.getFirst().getParentSpanId()).isEqualTo(PARENT.spanId());
            assertThat(kept.getFirst().getName()).isEqualTo("atoll.place");
            assertThat(span.context().traceId()).isEqualTo(PARENT.traceId());
        }
    }

    @Test
    void aFailedSpanIsKeptAsAnError() {
        try (var tracing = OtelTracing.create("atoll-test", Map.of())) {
            tracing.start("atoll.offer", PARENT, Map.of()).fail("0 of 2 nodes fit");

            assertThat(tracing.ring()
                            .trace(PARENT.traceId())
                            .getFirst()
                            .getStatus()
                            .getDescription())
                    .isEqualTo("0 of 2 nodes fit");
        }
    }

    @Test
    void withAnOtlpEndpointSpansAreAlsoSentThereOverHttp() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/", exchange -> {
            received.add(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                            + exchange.getRequestHeaders().getFirst("Content-Type"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort();
            try (var tracing = OtelTracing.create("atoll-test", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint))) {
                tracing.start("atoll.instance.start", PARENT, Map.of()).end();
            } // closing flushes the batch

            assertThat(received).containsExactly("POST /v1/traces application/x-protobuf");
        } finally {
            collector.stop(0);
        }
    }
}
