package dev.atoll.control.federation;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.atoll.control.site.SiteController;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.placement.SiteSummary;
import dev.atoll.wire.Failures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The offer protocol between sites in different processes: calls of the wire protocol to the
 * target site's leader ({@link SiteCalls}); what sites exist, which are dead and how much room they
 * have comes from gossip ({@link SitePeers}). Calls to this site itself go straight to its
 * controller.
 */
public final class NetworkFederation implements Federation {
    private static final Duration OFFER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration COPY_TIMEOUT = Duration.ofSeconds(5);
    private static final TypeReference<Map<String, ReplicaStatus>> REPLICAS = new TypeReference<>() {};
    private static final TypeReference<Map<String, HomeClaim>> CLAIMS = new TypeReference<>() {};
    private static final TypeReference<List<HomeClaim>> STANDINGS = new TypeReference<>() {};
    private static final TypeReference<List<dev.atoll.model.network.NetworkMember>> MEMBERS = new TypeReference<>() {};

    private final SiteController local;
    private final SitePeers peers;
    private final SiteCaller sites;

    public NetworkFederation(SiteController local, SitePeers peers, SiteCaller sites) {
        this.local = local;
        this.peers = peers;
        this.sites = sites;
    }

    private boolean isLocal(String site) {
        return site.equals(local.site().name());
    }

    @Override
    public Set<String> deadSites() {
        return peers.deadSites();
    }

    @Override
    public List<String> siteNames() {
        List<String> names = new ArrayList<>(peers.siteNames());
        if (!names.contains(local.site().name())) names.add(local.site().name());
        return names;
    }

    @Override
    public List<SiteSummary> summaries() {
        List<SiteSummary> all = new ArrayList<>();
        all.add(local.summary());
        Set<String> dead = peers.deadSites();
        for (SiteSummary s : peers.summaries()) {
            if (isLocal(s.site().name())) continue;
            all.add(dead.contains(s.site().name()) ? new SiteSummary(s.site(), false, List.of()) : s);
        }
        return all;
    }

    @Override
    public dev.atoll.placement.LatencyModel latency(dev.atoll.placement.LatencyModel base) {
        return peers.latency(base);
    }

    @Override
    public CompletableFuture<OfferReply> offer(String targetSite, Offer offer) {
        if (isLocal(targetSite)) return local.handleOffer(offer);
        return sites.call(targetSite, SiteCalls.OFFER, CallBodies.write(offer), OFFER_TIMEOUT)
                .thenApply(body ->
                        CallBodies.answer(body, SiteCalls.OfferAnswer.class).reply())
                .exceptionally(e -> new OfferReply.Rejected(
                        targetSite,
                        "no answer from site " + targetSite + ": "
                                + String.valueOf(Failures.rootCause(e).getMessage()),
                        dev.atoll.control.metrics.OfferOutcome.NO_ANSWER));
    }

    @Override
    public CompletableFuture<Void> release(String targetSite, InstanceId id, long generation, HomeClaim by) {
        if (isLocal(targetSite)) return local.handleRelease(id, generation, by);
        return sites.call(
                        targetSite,
                        SiteCalls.RELEASE,
                        CallBodies.write(new SiteCalls.Release(id, generation, by)),
                        QUERY_TIMEOUT)
                .thenApply(body -> null);
    }

    @Override
    public CompletableFuture<Void> migrate(
            String targetSite,
            InstanceId id,
            long generation,
            dev.atoll.model.agent.Migration migration,
            HomeClaim by) {
        if (isLocal(targetSite)) return local.handleMigrate(id, generation, migration, by);
        return sites.call(
                        targetSite,
                        SiteCalls.MIGRATE,
                        CallBodies.write(new SiteCalls.Migrate(id, generation, migration, by)),
                        QUERY_TIMEOUT)
                .thenApply(body -> null);
    }

    @Override
    public CompletableFuture<NodeClaim.Answer> claimNodes(String targetSite, NodeClaim claim) {
        if (isLocal(targetSite)) return CompletableFuture.completedFuture(local.handleNodeClaim(claim));
        return sites.call(targetSite, SiteCalls.CLAIM_NODES, CallBodies.write(claim), QUERY_TIMEOUT)
                .thenApply(body -> CallBodies.answer(body, NodeClaim.Answer.class));
    }

    @Override
    public CompletableFuture<Void> releaseNodes(String targetSite, String owner) {
        if (isLocal(targetSite)) {
            local.handleNodeRelease(owner);
            return CompletableFuture.completedFuture(null);
        }
        return sites.call(
                        targetSite,
                        SiteCalls.RELEASE_NODES,
                        CallBodies.write(new SiteCalls.ReleaseNodes(owner)),
                        QUERY_TIMEOUT)
                .thenApply(body -> null);
    }

    @Override
    public CompletableFuture<HomeClaim> storeCopy(String buddySite, EnvironmentCopy copy) {
        if (isLocal(buddySite)) return local.handleStoreCopy(copy);
        return sites.call(buddySite, SiteCalls.STORE_COPY, CallBodies.write(copy), COPY_TIMEOUT)
                .thenApply(body -> CallBodies.answer(body, HomeClaim.class));
    }

    @Override
    public CompletableFuture<Map<String, HomeClaim>> copiesHeld(String buddySite, String homeSite) {
        if (isLocal(buddySite)) return CompletableFuture.completedFuture(local.copiesHeld(homeSite));
        return sites.call(
                        buddySite,
                        SiteCalls.COPIES_HELD,
                        CallBodies.write(new SiteCalls.CopiesHeld(homeSite)),
                        QUERY_TIMEOUT)
                .thenApply(body -> CallBodies.answer(body, CLAIMS));
    }

    @Override
    public CompletableFuture<Void> forgetCopy(String buddySite, String tenant, String environment, HomeClaim claim) {
        if (isLocal(buddySite)) return local.handleForgetCopy(tenant, environment, claim);
        return sites.call(
                        buddySite,
                        SiteCalls.FORGET_COPY,
                        CallBodies.write(new SiteCalls.ForgetCopy(tenant, environment, claim)),
                        COPY_TIMEOUT)
                .thenApply(body -> null);
    }

    @Override
    public CompletableFuture<List<HomeClaim>> claimHomes(String targetSite, List<EnvironmentClaim> claims) {
        if (isLocal(targetSite)) return local.handleClaimHomes(claims);
        return sites.call(
                        targetSite,
                        SiteCalls.CLAIM_HOMES,
                        CallBodies.write(new SiteCalls.ClaimHomes(claims)),
                        COPY_TIMEOUT)
                .thenApply(body -> CallBodies.answer(body, STANDINGS));
    }

    @Override
    public CompletableFuture<Map<String, ReplicaStatus>> replicasOf(String targetSite, String homeSite) {
        if (isLocal(targetSite)) return CompletableFuture.completedFuture(local.replicasOf(homeSite));
        return sites.call(
                        targetSite,
                        SiteCalls.REPLICAS_OF,
                        CallBodies.write(new SiteCalls.ReplicasOf(homeSite)),
                        QUERY_TIMEOUT)
                .thenApply(body -> CallBodies.answer(body, REPLICAS));
    }

    @Override
    public CompletableFuture<ReplicaReport.Receipt> reportReplicas(
            String homeSite, String fromSite, ReplicaReport report) {
        if (isLocal(homeSite)) return CompletableFuture.completedFuture(local.handleReplicaReport(fromSite, report));
        return sites.call(
                        homeSite,
                        SiteCalls.REPORT_REPLICAS,
                        CallBodies.write(new SiteCalls.ReportReplicas(fromSite, report)),
                        QUERY_TIMEOUT)
                .thenApply(body -> CallBodies.answer(body, ReplicaReport.Receipt.class));
    }

    @Override
    public CompletableFuture<List<dev.atoll.model.network.NetworkMember>> networkMembers(String targetSite) {
        if (isLocal(targetSite)) return CompletableFuture.completedFuture(local.networkMembers());
        return sites.call(
                        targetSite,
                        SiteCalls.NETWORK_MEMBERS,
                        CallBodies.write(new SiteCalls.NetworkMembers()),
                        QUERY_TIMEOUT)
                .thenApply(body -> CallBodies.answer(body, MEMBERS));
    }
}
