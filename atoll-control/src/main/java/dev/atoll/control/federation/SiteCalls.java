package dev.atoll.control.federation;

import dev.atoll.model.instance.InstanceId;
import java.util.List;

/**
 * The calls one site makes to another over the wire protocol (atoll-wire/PROTOCOL.md), with their
 * JSON bodies (AtollJson.internal()). A site with several controllers answers only at its leader;
 * a follower refuses with {@link #NOT_LEADER} and the caller tries the next controller.
 */
public final class SiteCalls {
    /** {@link Offer} → {@link OfferAnswer}. */
    public static final String OFFER = "site.offer";
    /** {@link Release} → empty. Idempotent: a newer generation is never stopped. */
    public static final String RELEASE = "site.release";
    /** {@link Migrate} → empty: send a running micro-VM's memory to where its new copy waits. */
    public static final String MIGRATE = "site.migrate";
    /** {@link NodeClaim} → {@link NodeClaim.Answer}: hold nodes of the called site for a partition of the caller's. */
    public static final String CLAIM_NODES = "site.claim-nodes";
    /** {@link ReleaseNodes} → empty: the partition holds nothing at the called site any more. */
    public static final String RELEASE_NODES = "site.release-nodes";
    /** {@link ReplicasOf} → map of instance key to {@link ReplicaStatus}. */
    public static final String REPLICAS_OF = "site.replicas-of";
    /**
     * {@link ReportReplicas} → {@link ReplicaReport.Receipt}: a target tells a home what it runs for it,
     * or what changed (on change, and every 5 s).
     */
    public static final String REPORT_REPLICAS = "site.report-replicas";

    /** {@link NetworkMembers} → list of {@code NetworkMember}: the replicas a site runs on networks or publishing ports. */
    public static final String NETWORK_MEMBERS = "site.network-members";

    /** {@link EnvironmentCopy} → {@link HomeClaim}: a home's copy, committed at its buddy. */
    public static final String STORE_COPY = "site.store-copy";
    /** {@link CopiesHeld} → map of environment key to {@link HomeClaim}. */
    public static final String COPIES_HELD = "site.copies-held";
    /** {@link ForgetCopy} → empty. */
    public static final String FORGET_COPY = "site.forget-copy";
    /** {@link ClaimHomes} → list of {@link HomeClaim}: the strongest claim after the call, per claim. */
    public static final String CLAIM_HOMES = "site.claim-homes";

    /** The message of a follower's refusal. */
    public static final String NOT_LEADER = "not the leader of its site";

    private SiteCalls() {}

    /**
     * @param code the kind of a refusal as counted ({@link dev.atoll.control.metrics.OfferOutcome#reason()});
     *     optional: absent from older sites, then counted as "other"
     */
    public record OfferAnswer(
            boolean accepted, String site, String node, String reason, String code, String migrateTo) {
        public OfferAnswer(boolean accepted, String site, String node, String reason, String code) {
            this(accepted, site, node, reason, code, null);
        }

        static OfferAnswer of(OfferReply reply) {
            return switch (reply) {
                case OfferReply.Accepted a -> new OfferAnswer(true, a.site(), a.node(), "", null, a.migrateTo());
                case OfferReply.Rejected r ->
                    new OfferAnswer(false, r.site(), "", r.reason(), r.kind().reason());
            };
        }

        OfferReply reply() {
            return accepted
                    ? new OfferReply.Accepted(site, node, migrateTo)
                    : new OfferReply.Rejected(site, reason, dev.atoll.control.metrics.OfferOutcome.ofReason(code));
        }
    }

    public record Release(InstanceId id, long generation, HomeClaim by) {}

    public record CopiesHeld(String homeSite) {}

    public record ForgetCopy(String tenant, String environment, HomeClaim claim) {}

    public record ClaimHomes(List<EnvironmentClaim> claims) {
        public ClaimHomes {
            claims = claims == null ? List.of() : List.copyOf(claims);
        }
    }

    public record ReplicasOf(String homeSite) {}

    public record ReportReplicas(String fromSite, ReplicaReport report) {}

    public record NetworkMembers() {}

    public record ReleaseNodes(String owner) {}

    public record Migrate(
            dev.atoll.model.instance.InstanceId id,
            long generation,
            dev.atoll.model.agent.Migration migration,
            HomeClaim by) {}
}
