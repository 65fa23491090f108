package dev.atoll.control.federation;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.placement.SiteSummary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * How one site talks to the others: the offer protocol of DESIGN.md, the summaries placement
 * needs, and the buddy protocol that keeps an environment alive when its home dies. In `atoll dev`
 * every site is in one process ({@link LocalFederation}); the networked implementation comes with
 * sites as separate processes. Calls never block; a site that cannot be reached fails the future.
 * Everything sent is a record that Jackson writes and reads as JSON.
 */
public interface Federation {
    /** Sites given up for dead: their replicas are placed again elsewhere. */
    Set<String> deadSites();

    /**
     * The names of every known site, this one included (cheaper than their summaries), in a list
     * that does not change once returned: a site keeps the last one to tell whether it changed.
     */
    List<String> siteNames();

    /** Summaries of every known site, this one included. */
    List<SiteSummary> summaries();

    /** Ask {@code targetSite} to reserve a node for the replica. */
    CompletableFuture<OfferReply> offer(String targetSite, Offer offer);

    /**
     * Tell {@code targetSite} to stop the replica, unless a newer generation replaced it or a
     * stronger home than {@code by} claims its environment there.
     */
    CompletableFuture<Void> release(String targetSite, InstanceId id, long generation, HomeClaim by);

    /**
     * Tell {@code targetSite} to send the running micro-VM of replica {@code id} at {@code
     * generation} live to where its new copy waits ({@code migration}, outgoing), unless a stronger
     * home than {@code by} claims its environment there.
     */
    default CompletableFuture<Void> migrate(
            String targetSite,
            InstanceId id,
            long generation,
            dev.atoll.model.agent.Migration migration,
            HomeClaim by) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("this federation cannot migrate instances"));
    }

    /**
     * Ask {@code targetSite} to hold nodes of its for a partition of this site ({@link NodeClaim}): granted only when
     * no other partition holds one of them there.
     */
    default CompletableFuture<NodeClaim.Answer> claimNodes(String targetSite, NodeClaim claim) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("this federation cannot claim nodes at other sites"));
    }

    /** Tell {@code targetSite} that the partition {@code owner} holds nothing there any more. */
    default CompletableFuture<Void> releaseNodes(String targetSite, String owner) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The replicas {@code targetSite} runs for environments homed at {@code homeSite}, by instance
     * key. "Homed at" as the target knows it: the strongest {@link HomeClaim} it has seen for the
     * environment, so after an adoption the new home gets every replica of the environment, whoever
     * placed it, and the old home none.
     */
    CompletableFuture<Map<String, ReplicaStatus>> replicasOf(String targetSite, String homeSite);

    /**
     * Tells {@code homeSite} what replicas {@code fromSite} runs for it now (as {@link #replicasOf}
     * would answer), or what changed since its last report. Targets report when that changes and
     * every few seconds regardless, so homes do not ask every site all the time; {@link #replicasOf}
     * is for a home that just started.
     */
    CompletableFuture<ReplicaReport.Receipt> reportReplicas(String homeSite, String fromSite, ReplicaReport report);

    /**
     * Store or refresh a home's copy of one environment at {@code buddySite}; completes once the
     * buddy committed it in its own Raft log. Answers the strongest claim the buddy knows for the
     * environment: one that outranks the copy's tells the sender it was superseded.
     */
    CompletableFuture<HomeClaim> storeCopy(String buddySite, EnvironmentCopy copy);

    /**
     * The copies {@code buddySite} keeps for {@code homeSite}, by environment key, with the claim
     * each was sent under: a home that lost track of what it sent (a new leader, a restart) asks, to
     * drop the copies of environments it no longer homes, which a buddy would otherwise adopt.
     */
    CompletableFuture<Map<String, HomeClaim>> copiesHeld(String buddySite, String homeSite);

    /** The home forgot the environment: {@code buddySite} drops its copy (unless it holds a newer home's). */
    CompletableFuture<Void> forgetCopy(String buddySite, String tenant, String environment, HomeClaim claim);

    /**
     * Tell {@code targetSite} that each claim's {@code homeSite} homes its environment now. For each,
     * a target that knows no stronger claim records it: its replicas of the environment answer to
     * the new home, offers and releases from weaker homes are refused, and if it homed the
     * environment itself it forgets it (without stopping anything). Answers, in the order asked, the
     * strongest claim after the call: the claim itself, or the one that outranks it. One call and one
     * commit at the target for the whole batch: a home that adopted thousands of environments tells
     * each site once, not once per environment.
     */
    CompletableFuture<List<HomeClaim>> claimHomes(String targetSite, List<EnvironmentClaim> claims);

    /**
     * The replicas {@code targetSite} runs that are on a tenant network or publish a port: what
     * every site needs for names, tunnels and ingress.
     */
    CompletableFuture<List<dev.atoll.model.network.NetworkMember>> networkMembers(String targetSite);

    /**
     * The version of each site's network members as it last spread it (see {@link
     * dev.atoll.control.site.SiteController#networkMembersVersion}); a site missing here is asked
     * for its members on a schedule instead of when they change. The same map instance as long as
     * nothing new was spread, so that a reader can tell at a glance.
     */
    default Map<String, Long> networkMembersVersions() {
        return Map.of();
    }

    /**
     * How placement judges latency from here: {@code base}, with round-trip times this site
     * measured to others where it has them (none in one process).
     */
    default dev.atoll.placement.LatencyModel latency(dev.atoll.placement.LatencyModel base) {
        return base;
    }
}
