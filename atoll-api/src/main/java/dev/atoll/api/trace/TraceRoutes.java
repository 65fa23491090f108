package dev.atoll.api.trace;

import dev.atoll.api.problem.Problem;
import dev.atoll.api.problem.ProblemException;
import io.javalin.http.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/traces/{id}}: the spans of one trace that this process kept ({@link SpanRing}), for
 * seeing a deploy's trace without a collector. Each process answers for its own spans: {@code atoll
 * dev} for the whole cloud, a site for its API and controller, an agent for its instance starts.
 */
public final class TraceRoutes {
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    /** The span attribute naming whose work a span is; a tenant sees only its own. */
    public static final String TENANT = "atoll.tenant";

    /** One span as the route shows it; times in nanoseconds since the epoch. */
    public record SpanView(
            String traceId,
            String spanId,
            String parentSpanId,
            String name,
            String service,
            String kind,
            long startNanos,
            long endNanos,
            double durationMs,
            String status,
            Map<String, String> attributes) {
        static SpanView of(SpanData s) {
            Map<String, String> attributes = new LinkedHashMap<>();
            s.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), String.valueOf(v)));
            String service =
                    s.getResource().getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("service.name"));
            return new SpanView(
                    s.getTraceId(),
                    s.getSpanId(),
                    s.getParentSpanContext().isValid() ? s.getParentSpanId() : null,
                    s.getName(),
                    service,
                    s.getKind().name().toLowerCase(java.util.Locale.ROOT),
                    s.getStartEpochNanos(),
                    s.getEndEpochNanos(),
                    (s.getEndEpochNanos() - s.getStartEpochNanos()) / 1e6,
                    s.getStatus().getStatusCode().name().toLowerCase(java.util.Locale.ROOT),
                    attributes);
        }
    }

    public record TraceView(String traceId, List<SpanView> spans) {}

    private final SpanRing ring;
    private final java.util.function.Function<Context, String> tenantOf;

    /** Behind the API's token check: the caller's tenant is the token's. */
    public TraceRoutes(SpanRing ring) {
        this(ring, dev.atoll.api.request.Requests::tenant);
    }

    /**
     * {@code tenantOf} says whose spans a request may see: an agent's own HTTP port has no token
     * check (it is the node's, for its site and operator), so there it is the {@code ?tenant=} asked for.
     */
    public TraceRoutes(SpanRing ring, java.util.function.Function<Context, String> tenantOf) {
        this.ring = ring;
        this.tenantOf = tenantOf;
    }

    /** The tenant a request to an agent's port names ({@code ?tenant=}, else "default"). */
    public static String namedTenant(Context ctx) {
        String named = ctx.queryParam("tenant");
        return named == null || named.isEmpty() ? dev.atoll.model.spec.EnvironmentSpec.DEFAULT_TENANT : named;
    }

    public void get(Context ctx) {
        String id = ctx.pathParam("id");
        if (!TRACE_ID.matcher(id).matches()) {
            throw new ProblemException(
                    Problem.badField("id", "\"" + id + "\" is not a trace id (32 lower-case hex digits)"));
        }
        String tenant = tenantOf.apply(ctx);
        var all = ring.trace(id).stream().map(SpanView::of).toList();
        // A trace is the tenant's when one of its spans is; spans of other tenants stay hidden (404,
        // as for any resource of another tenant: no existence leak).
        boolean theirs = all.stream().anyMatch(s -> tenant.equals(s.attributes().get(TENANT)));
        var spans = theirs
                ? all.stream()
                        .filter(s -> !s.attributes().containsKey(TENANT)
                                || tenant.equals(s.attributes().get(TENANT)))
                        .toList()
                : List.<SpanView>of();
        if (spans.isEmpty()) {
            throw new ProblemException(Problem.of(
                    404,
                    "this process kept no span of trace " + id + " of tenant " + tenant + " (it keeps the last "
                            + OtelTracing.RING_CAPACITY + ")"));
        }
        ctx.json(new TraceView(id, spans));
    }
}
