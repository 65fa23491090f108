package dev.atoll.control.cloud;

import dev.atoll.control.auth.AuthRecords;
import dev.atoll.model.auth.AuditEntry;
import dev.atoll.model.spec.EnvironmentSpec;

/**
 * The calls by which a site's API asks another site for its share of the cloud ({@link SiteShare})
 * over the wire protocol, with their JSON bodies.
 */
public final class ShareCalls {
    /** empty → {@link SitePart}. */
    public static final String PART = "share.part";
    /** {@link Put} → {@link PutResult}. */
    public static final String PUT = "share.put";
    /** {@link Delete} → empty. */
    public static final String DELETE = "share.delete";
    /** {@link ReadLog} → {@link LogChunk}. */
    public static final String READ_LOG = "share.read-log";
    /** {@link Move} → {@link MoveReply}. */
    public static final String MOVE = "share.move";
    /** {@link Drain} → {@link MoveReply}. */
    public static final String DRAIN = "share.drain";
    /** {@link PlanRequest} → {@link PlanReply}: the site's kept plan, for itself or its region. */
    public static final String PLAN = "share.plan";
    /** empty → {@link PlanReply}: the plan the site starts applying. */
    public static final String APPLY_PLAN = "share.apply-plan";
    /** empty → {@link Links}. */
    public static final String LINKS = "share.links";

    /** empty → {@link AuthRecords}: the tenants and tokens the site knows. */
    public static final String AUTH = "share.auth";
    /** {@link AuthRecords} → {@link AuthRecords}: merged into the site's log; answers what was new there. */
    public static final String MERGE_AUTH = "share.merge-auth";
    /** A follower controller's API → its leader: keep a join token in the site's log. */
    public static final String KEEP_JOIN_TOKEN = "share.keep-join-token";
    /** {@link AuditEntry} → empty: committed in the site's log. */
    public static final String RECORD_AUDIT = "share.record-audit";
    /** {@link Audit} → list of {@link AuditEntry}. */
    public static final String AUDIT = "share.audit";

    private ShareCalls() {}

    /** @param tenant null for every tenant's */
    public record Audit(String tenant, int max) {}

    /**
     * @param traceparent optional: the W3C traceparent of the API's deploy span, so that the home's
     *     placements join the deploy's trace when the API is at another process
     */
    public record Put(EnvironmentSpec spec, String traceparent) {
        public Put(EnvironmentSpec spec) {
            this(spec, null);
        }
    }

    public record Links(java.util.List<dev.atoll.model.view.SiteLink> links) {}

    public record Delete(String tenant, String environment) {}

    public record Move(dev.atoll.model.instance.InstanceId id, String toSite, String toNode, String reason) {}

    public record Drain(String node, boolean draining) {}

    /** @param plan null when the site keeps none */
    public record PlanReply(dev.atoll.model.view.PlanView plan) {}

    /** {@code nearestSites}: 0 (or absent) for the site's own placement, N for it and its N nearest sites. */
    public record PlanRequest(int nearestSites) {}

    /** A {@link dev.atoll.model.view.MoveOutcome} on the wire: one of its fields is set. */
    public record MoveReply(
            dev.atoll.model.view.MoveOutcome.Started started,
            dev.atoll.model.view.MoveOutcome.Draining draining,
            String notFound,
            String conflict,
            String unavailable,
            java.util.List<dev.atoll.model.spec.FieldError> rejected) {
        public static MoveReply of(dev.atoll.model.view.MoveOutcome outcome) {
            return switch (outcome) {
                case dev.atoll.model.view.MoveOutcome.Started s -> new MoveReply(s, null, null, null, null, null);
                case dev.atoll.model.view.MoveOutcome.Draining d -> new MoveReply(null, d, null, null, null, null);
                case dev.atoll.model.view.MoveOutcome.NotFound n ->
                    new MoveReply(null, null, n.message(), null, null, null);
                case dev.atoll.model.view.MoveOutcome.Conflict c ->
                    new MoveReply(null, null, null, c.message(), null, null);
                case dev.atoll.model.view.MoveOutcome.Unavailable u ->
                    new MoveReply(null, null, null, null, u.message(), null);
                case dev.atoll.model.view.MoveOutcome.Rejected r ->
                    new MoveReply(null, null, null, null, null, r.errors());
            };
        }

        public dev.atoll.model.view.MoveOutcome outcome() {
            if (started != null) return started;
            if (draining != null) return draining;
            if (notFound != null) return new dev.atoll.model.view.MoveOutcome.NotFound(notFound);
            if (conflict != null) return new dev.atoll.model.view.MoveOutcome.Conflict(conflict);
            if (rejected != null) return new dev.atoll.model.view.MoveOutcome.Rejected(rejected);
            return new dev.atoll.model.view.MoveOutcome.Unavailable(unavailable == null ? "no answer" : unavailable);
        }
    }

    public record ReadLog(String tenant, String instanceId, long offset, int maxBytes) {}

    /** @param found false when the site runs no such instance */
    public record LogChunk(boolean found, byte[] bytes) {}
}
