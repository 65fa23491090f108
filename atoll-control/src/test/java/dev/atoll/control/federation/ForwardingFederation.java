package dev.atoll.control.federation;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.network.NetworkMember;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.SiteSummary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** A site's view of the federation that passes every call on; tests override the calls they watch or hold back. */
interface ForwardingFederation extends Federation {
    Federation delegate();

    @Override
    default Set<String> deadSites() {
        return delegate().deadSites();
    }

    @Override
    default List<String> siteNames() {
        return delegate().siteNames();
    }

    @Override
    default List<SiteSummary> summaries() {
        return delegate().summaries();
    }

    @Override
    default CompletableFuture<OfferReply> offer(String targetSite, Offer offer) {
        return delegate().offer(targetSite, offer);
    }

    @Override
    default CompletableFuture<Void> release(String targetSite, InstanceId id, long generation, HomeClaim by) {
        return delegate().release(targetSite, id, generation, by);
    }

    @Override
    default CompletableFuture<Map<String, ReplicaStatus>> replicasOf(String targetSite, String homeSite) {
        return delegate().replicasOf(targetSite, homeSite);
    }

    @Override
    default CompletableFuture<ReplicaReport.Receipt> reportReplicas(
            String homeSite, String fromSite, ReplicaReport report) {
        return delegate().reportReplicas(homeSite, fromSite, report);
    }

    @Override
    default CompletableFuture<HomeClaim> storeCopy(String buddySite, EnvironmentCopy copy) {
        return delegate().storeCopy(buddySite, copy);
    }

    @Override
    default CompletableFuture<Map<String, HomeClaim>> copiesHeld(String buddySite, String homeSite) {
        return delegate().copiesHeld(buddySite, homeSite);
    }

    @Override
    default CompletableFuture<Void> forgetCopy(String buddySite, String tenant, String environment, HomeClaim claim) {
        return delegate().forgetCopy(buddySite, tenant, environment, claim);
    }

    @Override
    default CompletableFuture<List<HomeClaim>> claimHomes(String targetSite, List<EnvironmentClaim> claims) {
        return delegate().claimHomes(targetSite, claims);
    }

    @Override
    default CompletableFuture<List<NetworkMember>> networkMembers(String targetSite) {
        return delegate().networkMembers(targetSite);
    }

    @Override
    default Map<String, Long> networkMembersVersions() {
        return delegate().networkMembersVersions();
    }

    @Override
    default LatencyModel latency(LatencyModel base) {
        return delegate().latency(base);
    }
}
