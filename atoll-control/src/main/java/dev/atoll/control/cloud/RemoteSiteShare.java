package dev.atoll.control.cloud;

import dev.atoll.control.auth.AuthRecords;
import dev.atoll.control.federation.CallBodies;
import dev.atoll.control.federation.SiteCaller;
import dev.atoll.model.auth.AuditEntry;
import dev.atoll.model.spec.EnvironmentSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Another site's share of the cloud, asked over the wire protocol ({@link ShareCalls}). */
public final class RemoteSiteShare implements SiteShare {
    private static final Duration READ = FederatedCloud.READ_TIMEOUT;
    private static final Duration WRITE = FederatedCloud.WRITE_TIMEOUT;

    private final String site;
    private final SiteCaller caller;
    private final dev.atoll.model.trace.Tracing tracing;

    public RemoteSiteShare(String site, SiteCaller caller) {
        this(site, caller, dev.atoll.model.trace.Tracing.NONE);
    }

    /** @param tracing whose current span (an API deploy's) a put carries to the home */
    public RemoteSiteShare(String site, SiteCaller caller, dev.atoll.model.trace.Tracing tracing) {
        this.site = site;
        this.caller = caller;
        this.tracing = tracing;
    }

    @Override
    public String site() {
        return site;
    }

    @Override
    public CompletableFuture<SitePart> part() {
        return caller.call(site, ShareCalls.PART, new byte[0], READ)
                .thenApply(body -> CallBodies.answer(body, SitePart.class));
    }

    @Override
    public CompletableFuture<java.util.List<dev.atoll.model.view.SiteLink>> links() {
        return caller.call(site, ShareCalls.LINKS, new byte[0], READ)
                .thenApply(
                        body -> CallBodies.answer(body, ShareCalls.Links.class).links());
    }

    @Override
    public CompletableFuture<PutResult> put(EnvironmentSpec spec) {
        var put = new ShareCalls.Put(spec, dev.atoll.model.trace.TraceContext.traceparentOf(tracing.current()));
        return caller.call(site, ShareCalls.PUT, CallBodies.write(put), WRITE)
                .thenApply(body -> CallBodies.answer(body, PutResult.class));
    }

    @Override
    public CompletableFuture<dev.atoll.model.view.MoveOutcome> move(
            dev.atoll.model.instance.InstanceId id, String toSite, String toNode, String reason) {
        return caller.call(
                        site, ShareCalls.MOVE, CallBodies.write(new ShareCalls.Move(id, toSite, toNode, reason)), WRITE)
                .thenApply(body ->
                        CallBodies.answer(body, ShareCalls.MoveReply.class).outcome());
    }

    @Override
    public CompletableFuture<java.util.Optional<dev.atoll.model.view.PlanView>> plan(int nearestSites) {
        // The optimizer may run first: a write's patience, not a read's.
        return caller.call(site, ShareCalls.PLAN, CallBodies.write(new ShareCalls.PlanRequest(nearestSites)), WRITE)
                .thenApply(body -> java.util.Optional.ofNullable(
                        CallBodies.answer(body, ShareCalls.PlanReply.class).plan()));
    }

    @Override
    public CompletableFuture<java.util.Optional<dev.atoll.model.view.PlanView>> applyPlan() {
        return caller.call(site, ShareCalls.APPLY_PLAN, CallBodies.write(java.util.Map.of()), WRITE)
                .thenApply(body -> java.util.Optional.ofNullable(
                        CallBodies.answer(body, ShareCalls.PlanReply.class).plan()));
    }

    @Override
    public CompletableFuture<dev.atoll.model.view.MoveOutcome> drain(String node, boolean draining) {
        return caller.call(site, ShareCalls.DRAIN, CallBodies.write(new ShareCalls.Drain(node, draining)), WRITE)
                .thenApply(body ->
                        CallBodies.answer(body, ShareCalls.MoveReply.class).outcome());
    }

    @Override
    public CompletableFuture<Void> delete(String tenant, String environment) {
        return caller.call(site, ShareCalls.DELETE, CallBodies.write(new ShareCalls.Delete(tenant, environment)), WRITE)
                .thenApply(body -> null);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> readLog(String tenant, String instanceId, long offset, int maxBytes) {
        return caller.call(
                        site,
                        ShareCalls.READ_LOG,
                        CallBodies.write(new ShareCalls.ReadLog(tenant, instanceId, offset, maxBytes)),
                        READ)
                .thenApply(body -> {
                    var chunk = CallBodies.answer(body, ShareCalls.LogChunk.class);
                    return chunk.found() ? Optional.of(chunk.bytes()) : Optional.empty();
                });
    }

    @Override
    public CompletableFuture<AuthRecords> auth() {
        return caller.call(site, ShareCalls.AUTH, new byte[0], READ)
                .thenApply(body -> CallBodies.answer(body, AuthRecords.class));
    }

    @Override
    public CompletableFuture<Boolean> issueJoinToken(dev.atoll.control.join.JoinToken token) {
        return caller.call(site, ShareCalls.KEEP_JOIN_TOKEN, CallBodies.write(token), WRITE)
                .thenApply(body -> CallBodies.answer(body, Boolean.class));
    }

    @Override
    public CompletableFuture<AuthRecords> mergeAuth(AuthRecords records) {
        return caller.call(site, ShareCalls.MERGE_AUTH, CallBodies.write(records), WRITE)
                .thenApply(body -> CallBodies.answer(body, AuthRecords.class));
    }

    @Override
    public CompletableFuture<Void> recordAudit(AuditEntry entry) {
        return caller.call(site, ShareCalls.RECORD_AUDIT, CallBodies.write(entry), WRITE)
                .thenApply(body -> null);
    }

    @Override
    public CompletableFuture<List<AuditEntry>> audit(String tenant, int max) {
        return caller.call(site, ShareCalls.AUDIT, CallBodies.write(new ShareCalls.Audit(tenant, max)), READ)
                .thenApply(body -> List.of(CallBodies.answer(body, AuditEntry[].class)));
    }
}
