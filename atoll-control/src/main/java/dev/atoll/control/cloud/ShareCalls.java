package dev.atoll.control.cloud;

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

    private ShareCalls() {}

    public record Put(EnvironmentSpec spec) {}

    public record Links(java.util.List<dev.atoll.model.view.SiteLink> links) {}

    public record Delete(String tenant, String environment) {}

    public record ReadLog(String tenant, String instanceId, long offset, int maxBytes) {}

    /** @param found false when the site runs no such instance */
    public record LogChunk(boolean found, byte[] bytes) {}
}
