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

    public record ReadLog(String tenant, String instanceId, long offset, int maxBytes) {}

    /** @param found false when the site runs no such instance */
    public record LogChunk(boolean found, byte[] bytes) {}
}
