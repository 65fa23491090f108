package dev.atoll.sim.cloud;

import dev.atoll.control.federation.EnvironmentClaim;
import dev.atoll.control.federation.EnvironmentCopy;
import dev.atoll.control.federation.Federation;
import dev.atoll.control.federation.HomeClaim;
import dev.atoll.control.federation.Offer;
import dev.atoll.control.federation.OfferReply;
import dev.atoll.control.federation.ReplicaReport;
import dev.atoll.control.federation.ReplicaStatus;
import dev.atoll.control.site.SiteController;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.network.NetworkMember;
import dev.atoll.placement.SiteSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The federation as one simulated site sees it: the real offer and buddy protocols, each call
 * carried by the {@link SimNetwork}, and placement summaries as gossip spreads them (refreshed by
 * the cloud every gossip round, so a site places on what it heard, not on the exact state).
 */
final class SimFederation implements Federation {
    private final String self;
    private final SimNetwork network;
    private final Function<String, SiteController> controllers;
    private final GossipedSummaries gossip;

    private long cachedFor = -1;
    private Set<String> cachedDead;
    private List<SiteSummary> cachedSummaries;

    SimFederation(
            String self, SimNetwork network, Function<String, SiteController> controllers, GossipedSummaries gossip) {
        this.self = self;
        this.network = network;
        this.controllers = controllers;
        this.gossip = gossip;
    }

    @Override
    public Set<String> deadSites() {
        return network.deadSeenFrom(self);
    }

    @Override
    public List<String> siteNames() {
        return network.sites();
    }

    @Override
    public List<SiteSummary> summaries() {
        Set<String> dead = deadSites();
        if (cachedFor == gossip.round() && dead == cachedDead) return cachedSummaries;
        List<SiteSummary> all = new ArrayList<>(network.sites().size());
        for (SiteSummary summary : gossip.all()) {
            String name = summary.site().name();
            boolean reachable = name.equals(self) || !dead.contains(name);
            all.add(reachable ? summary : new SiteSummary(summary.site(), false, List.of()));
        }
        cachedFor = gossip.round();
        cachedDead = dead;
        cachedSummaries = List.copyOf(all);
        return cachedSummaries;
    }

    private SiteController at(String site) {
        SiteController c = controllers.apply(site);
        if (c == null) throw new IllegalStateException("site " + site + " is down");
        return c;
    }

    @Override
    public CompletableFuture<OfferReply> offer(String targetSite, Offer offer) {
        return network.call(self, targetSite, () -> at(targetSite).handleOffer(offer))
                .exceptionally(e -> new OfferReply.Rejected(
                        targetSite,
                        "site " + targetSite + " did not answer: " + rootMessage(e),
                        dev.atoll.control.metrics.OfferOutcome.NO_ANSWER));
    }

    @Override
    public CompletableFuture<Void> release(String targetSite, InstanceId id, long generation, HomeClaim by) {
        return network.call(self, targetSite, () -> at(targetSite).handleRelease(id, generation, by));
    }

    @Override
    public CompletableFuture<dev.atoll.control.federation.NodeClaim.Answer> claimNodes(
            String targetSite, dev.atoll.control.federation.NodeClaim claim) {
        return network.call(
                self,
                targetSite,
                () -> CompletableFuture.completedFuture(at(targetSite).handleNodeClaim(claim)));
    }

    @Override
    public CompletableFuture<Void> releaseNodes(String targetSite, String owner) {
        return network.call(self, targetSite, () -> {
            at(targetSite).handleNodeRelease(owner);
            return CompletableFuture.completedFuture(null);
        });
    }

    @Override
    public CompletableFuture<Void> migrate(
            String targetSite,
            InstanceId id,
            long generation,
            dev.atoll.model.agent.Migration migration,
            HomeClaim by) {
        return network.call(self, targetSite, () -> at(targetSite).handleMigrate(id, generation, migration, by));
    }

    @Override
    public Map<String, Long> networkMembersVersions() {
        return gossip.membersVersions();
    }

    @Override
    public CompletableFuture<ReplicaReport.Receipt> reportReplicas(
            String homeSite, String fromSite, ReplicaReport report) {
        return network.call(
                self,
                homeSite,
                () -> CompletableFuture.completedFuture(at(homeSite).handleReplicaReport(fromSite, report)));
    }

    @Override
    public CompletableFuture<Map<String, ReplicaStatus>> replicasOf(String targetSite, String homeSite) {
        return network.call(
                self,
                targetSite,
                () -> CompletableFuture.completedFuture(at(targetSite).replicasOf(homeSite)));
    }

    @Override
    public CompletableFuture<HomeClaim> storeCopy(String buddySite, EnvironmentCopy copy) {
        return network.call(self, buddySite, () -> at(buddySite).handleStoreCopy(copy));
    }

    @Override
    public CompletableFuture<Map<String, HomeClaim>> copiesHeld(String buddySite, String homeSite) {
        return network.call(
                self,
                buddySite,
                () -> CompletableFuture.completedFuture(at(buddySite).copiesHeld(homeSite)));
    }

    @Override
    public CompletableFuture<Void> forgetCopy(String buddySite, String tenant, String environment, HomeClaim claim) {
        return network.call(self, buddySite, () -> at(buddySite).handleForgetCopy(tenant, environment, claim));
    }

    @Override
    public CompletableFuture<List<HomeClaim>> claimHomes(String targetSite, List<EnvironmentClaim> claims) {
        return network.call(self, targetSite, () -> at(targetSite).handleClaimHomes(claims));
    }

    @Override
    public CompletableFuture<List<NetworkMember>> networkMembers(String targetSite) {
        return network.call(
                self,
                targetSite,
                () -> CompletableFuture.completedFuture(at(targetSite).networkMembers()));
    }

    private static String rootMessage(Throwable e) {
        return String.valueOf(dev.atoll.wire.Failures.rootCause(e).getMessage());
    }

    /** Every site's last gossiped summary, in site order, and which gossip round produced them. */
    interface GossipedSummaries {
        long round();

        List<SiteSummary> all();

        /** The versions of their network members the sites spread; a new map each round. */
        Map<String, Long> membersVersions();
    }
}
