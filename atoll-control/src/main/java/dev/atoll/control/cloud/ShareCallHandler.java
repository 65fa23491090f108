package dev.atoll.control.cloud;

import dev.atoll.control.auth.AuthRecords;
import dev.atoll.control.federation.CallBodies;
import dev.atoll.model.auth.AuditEntry;
import dev.atoll.wire.CallFailedException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Answers {@link ShareCalls} from other sites' APIs with this site's own share. */
public final class ShareCallHandler {
    /** A log chunk must fit a frame with room to spare. */
    private static final int MAX_LOG_CHUNK = 4 << 20;

    /** The most audit entries one answer carries (a site keeps no more). */
    private static final int MAX_AUDIT_ENTRIES = dev.atoll.control.site.SiteState.MAX_AUDIT_KEPT;

    private final SiteShare local;
    private final dev.atoll.model.trace.Tracing tracing;

    public ShareCallHandler(SiteShare local) {
        this(local, dev.atoll.model.trace.Tracing.NONE);
    }

    /** @param tracing where a put that carries a traceparent continues its trace */
    public ShareCallHandler(SiteShare local, dev.atoll.model.trace.Tracing tracing) {
        this.local = local;
        this.tracing = tracing;
    }

    public static boolean serves(String method) {
        return method.startsWith("share.");
    }

    public CompletableFuture<byte[]> handle(String method, byte[] body) {
        return switch (method) {
            case ShareCalls.PART -> local.part().thenApply(CallBodies::write);
            case ShareCalls.LINKS -> local.links().thenApply(links -> CallBodies.write(new ShareCalls.Links(links)));
            case ShareCalls.PUT -> {
                var put = CallBodies.request(body, ShareCalls.Put.class);
                // The put reads the current trace where it starts, on this thread.
                try (var scope = tracing.enter(dev.atoll.model.trace.TraceContext.parse(put.traceparent())
                        .orElse(null))) {
                    yield local.put(put.spec()).thenApply(CallBodies::write);
                }
            }
            case ShareCalls.DELETE -> {
                var delete = CallBodies.request(body, ShareCalls.Delete.class);
                yield local.delete(delete.tenant(), delete.environment()).thenApply(v -> CallBodies.write(Map.of()));
            }
            case ShareCalls.MOVE -> {
                var move = CallBodies.request(body, ShareCalls.Move.class);
                yield local.move(move.id(), move.toSite(), move.toNode(), move.reason())
                        .thenApply(outcome -> CallBodies.write(ShareCalls.MoveReply.of(outcome)));
            }
            case ShareCalls.DRAIN -> {
                var drain = CallBodies.request(body, ShareCalls.Drain.class);
                yield local.drain(drain.node(), drain.draining())
                        .thenApply(outcome -> CallBodies.write(ShareCalls.MoveReply.of(outcome)));
            }
            case ShareCalls.PLAN ->
                local.plan(Math.max(
                                0,
                                CallBodies.request(body, ShareCalls.PlanRequest.class)
                                        .nearestSites()))
                        .thenApply(plan -> CallBodies.write(new ShareCalls.PlanReply(plan.orElse(null))));
            case ShareCalls.APPLY_PLAN ->
                local.applyPlan().thenApply(plan -> CallBodies.write(new ShareCalls.PlanReply(plan.orElse(null))));
            case ShareCalls.READ_LOG -> {
                var read = CallBodies.request(body, ShareCalls.ReadLog.class);
                yield local.readLog(
                                read.tenant(),
                                read.instanceId(),
                                Math.max(0, read.offset()),
                                Math.clamp(read.maxBytes(), 0, MAX_LOG_CHUNK))
                        .thenApply(bytes -> CallBodies.write(
                                new ShareCalls.LogChunk(bytes.isPresent(), bytes.orElse(new byte[0]))));
            }
            case ShareCalls.AUTH -> local.auth().thenApply(CallBodies::write);
            case ShareCalls.KEEP_JOIN_TOKEN ->
                local.issueJoinToken(CallBodies.request(body, dev.atoll.control.join.JoinToken.class))
                        .thenApply(CallBodies::write);
            case ShareCalls.MERGE_AUTH ->
                local.mergeAuth(CallBodies.request(body, AuthRecords.class)).thenApply(CallBodies::write);
            case ShareCalls.RECORD_AUDIT ->
                local.recordAudit(CallBodies.request(body, AuditEntry.class))
                        .thenApply(v -> CallBodies.write(Map.of()));
            case ShareCalls.AUDIT -> {
                var audit = CallBodies.request(body, ShareCalls.Audit.class);
                yield local.audit(audit.tenant(), Math.clamp(audit.max(), 0, MAX_AUDIT_ENTRIES))
                        .thenApply(CallBodies::write);
            }
            default ->
                CompletableFuture.failedFuture(
                        new CallFailedException(CallFailedException.Reason.UNKNOWN_METHOD, "no method " + method));
        };
    }
}
