package dev.atoll.control.federation;

import dev.atoll.control.site.SiteController;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.placement.SiteSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The protocol between sites that live in one process (`atoll dev`). A cut-off site (crashed, or
 * behind a partition) is cut off both ways: nothing reaches it, and, in the view it gets from
 * {@link #seenFrom}, it reaches nothing and sees every other site dead, as a real partitioned site
 * would. This object itself answers as an observer outside every partition.
 */
public final class LocalFederation implements Federation {
    private final Map<String, SiteController> sites = new LinkedHashMap<>();
    /** Sites cut off from the others (crashed, or behind a partition). */
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();

    private final View observer = new View(null);

    public synchronized void join(SiteController site) {
        sites.put(site.site().name(), site);
    }

    /** The federation as {@code site} sees it: what it should be started with. */
    public Federation seenFrom(String site) {
        return new View(site);
    }

    private synchronized SiteController site(String name) {
        SiteController s = sites.get(name);
        if (s == null) throw new IllegalArgumentException("unknown site " + name);
        return s;
    }

    private synchronized List<SiteController> all() {
        return new ArrayList<>(sites.values());
    }

    /** Cuts a site off from every other (a crash or a partition, as the others see it). */
    public void cutOff(String site) {
        unreachable.add(site);
    }

    /** The site can reach the others again. */
    public void reconnect(String site) {
        unreachable.remove(site);
    }

    @Override
    public Set<String> deadSites() {
        return observer.deadSites();
    }

    @Override
    public synchronized List<String> siteNames() {
        return List.copyOf(sites.keySet());
    }

    @Override
    public List<SiteSummary> summaries() {
        return observer.summaries();
    }

    @Override
    public CompletableFuture<OfferReply> offer(String targetSite, Offer offer) {
        return observer.offer(targetSite, offer);
    }

    @Override
    public CompletableFuture<Void> release(String targetSite, InstanceId id, long generation, HomeClaim by) {
        return observer.release(targetSite, id, generation, by);
    }

    @Override
    public CompletableFuture<Void> migrate(
            String targetSite,
            InstanceId id,
            long generation,
            dev.atoll.model.agent.Migration migration,
            HomeClaim by) {
        return observer.migrate(targetSite, id, generation, migration, by);
    }

    @Override
    public CompletableFuture<Map<String, ReplicaStatus>> replicasOf(String targetSite, String homeSite) {
        return observer.replicasOf(targetSite, homeSite);
    }

    @Override
    public CompletableFuture<NodeClaim.Answer> claimNodes(String targetSite, NodeClaim claim) {
        return observer.claimNodes(targetSite, claim);
    }

    @Override
    public CompletableFuture<Void> releaseNodes(String targetSite, String owner) {
        return observer.releaseNodes(targetSite, owner);
    }

    @Override
    public Map<String, Long> networkMembersVersions() {
        return observer.networkMembersVersions();
    }

    @Override
    public CompletableFuture<ReplicaReport.Receipt> reportReplicas(
            String homeSite, String fromSite, ReplicaReport report) {
        return observer.reportReplicas(homeSite, fromSite, report);
    }

    @Override
    public CompletableFuture<HomeClaim> storeCopy(String buddySite, EnvironmentCopy copy) {
        return observer.storeCopy(buddySite, copy);
    }

    @Override
    public CompletableFuture<Map<String, HomeClaim>> copiesHeld(String buddySite, String homeSite) {
        return observer.copiesHeld(buddySite, homeSite);
    }

    @Override
    public CompletableFuture<Void> forgetCopy(String buddySite, String tenant, String environment, HomeClaim claim) {
        return observer.forgetCopy(buddySite, tenant, environment, claim);
    }

    @Override
    public CompletableFuture<List<HomeClaim>> claimHomes(String targetSite, List<EnvironmentClaim> claims) {
        return observer.claimHomes(targetSite, claims);
    }

    @Override
    public CompletableFuture<List<dev.atoll.model.network.NetworkMember>> networkMembers(String targetSite) {
        return observer.networkMembers(targetSite);
    }

    /** The federation seen from one site ({@code self}), or from outside every partition (null). */
    private final class View implements Federation {
        private final String self;

        View(String self) {
            this.self = self;
        }

        private boolean selfCutOff() {
            return self != null && unreachable.contains(self);
        }

        private boolean reaches(String target) {
            if (target.equals(self)) return true;
            return !unreachable.contains(target) && !selfCutOff();
        }

        private <T> CompletableFuture<T> call(String target, Supplier<CompletableFuture<T>> call) {
            if (!reaches(target)) {
                return CompletableFuture.failedFuture(new IllegalStateException("site " + target + " is unreachable"));
            }
            return call.get();
        }

        @Override
        public Set<String> deadSites() {
            if (!selfCutOff()) return Set.copyOf(unreachable);
            Set<String> others = new java.util.HashSet<>(siteNames());
            others.remove(self);
            return Set.copyOf(others);
        }

        @Override
        public List<String> siteNames() {
            return LocalFederation.this.siteNames();
        }

        @Override
        public List<SiteSummary> summaries() {
            return all().stream()
                    .map(s -> reaches(s.site().name()) ? s.summary() : new SiteSummary(s.site(), false, List.of()))
                    .toList();
        }

        @Override
        public CompletableFuture<OfferReply> offer(String targetSite, Offer offer) {
            if (!reaches(targetSite)) {
                return CompletableFuture.completedFuture(new OfferReply.Rejected(
                        targetSite,
                        "site " + targetSite + " is unreachable",
                        dev.atoll.control.metrics.OfferOutcome.NO_ANSWER));
            }
            return site(targetSite).handleOffer(offer);
        }

        @Override
        public CompletableFuture<Void> release(String targetSite, InstanceId id, long generation, HomeClaim by) {
            return call(targetSite, () -> site(targetSite).handleRelease(id, generation, by));
        }

        @Override
        public CompletableFuture<Void> migrate(
                String targetSite,
                InstanceId id,
                long generation,
                dev.atoll.model.agent.Migration migration,
                HomeClaim by) {
            return call(targetSite, () -> site(targetSite).handleMigrate(id, generation, migration, by));
        }

        @Override
        public CompletableFuture<Map<String, ReplicaStatus>> replicasOf(String targetSite, String homeSite) {
            return call(
                    targetSite,
                    () -> CompletableFuture.completedFuture(site(targetSite).replicasOf(homeSite)));
        }

        @Override
        public CompletableFuture<NodeClaim.Answer> claimNodes(String targetSite, NodeClaim claim) {
            return call(
                    targetSite,
                    () -> CompletableFuture.completedFuture(site(targetSite).handleNodeClaim(claim)));
        }

        @Override
        public CompletableFuture<Void> releaseNodes(String targetSite, String owner) {
            return call(targetSite, () -> {
                site(targetSite).handleNodeRelease(owner);
                return CompletableFuture.completedFuture(null);
            });
        }

        @Override
        public Map<String, Long> networkMembersVersions() {
            // One process: what a site would gossip is read directly.
            Map<String, Long> versions = new java.util.HashMap<>();
            sites.forEach((name, controller) -> {
                if (reaches(name)) versions.put(name, controller.networkMembersVersion());
            });
            return versions;
        }

        @Override
        public CompletableFuture<ReplicaReport.Receipt> reportReplicas(
                String homeSite, String fromSite, ReplicaReport report) {
            return call(
                    homeSite,
                    () -> CompletableFuture.completedFuture(site(homeSite).handleReplicaReport(fromSite, report)));
        }

        @Override
        public CompletableFuture<HomeClaim> storeCopy(String buddySite, EnvironmentCopy copy) {
            return call(buddySite, () -> site(buddySite).handleStoreCopy(copy));
        }

        @Override
        public CompletableFuture<Map<String, HomeClaim>> copiesHeld(String buddySite, String homeSite) {
            return call(
                    buddySite,
                    () -> CompletableFuture.completedFuture(site(buddySite).copiesHeld(homeSite)));
        }

        @Override
        public CompletableFuture<Void> forgetCopy(
                String buddySite, String tenant, String environment, HomeClaim claim) {
            return call(buddySite, () -> site(buddySite).handleForgetCopy(tenant, environment, claim));
        }

        @Override
        public CompletableFuture<List<HomeClaim>> claimHomes(String targetSite, List<EnvironmentClaim> claims) {
            return call(targetSite, () -> site(targetSite).handleClaimHomes(claims));
        }

        @Override
        public CompletableFuture<List<dev.atoll.model.network.NetworkMember>> networkMembers(String targetSite) {
            return call(
                    targetSite,
                    () -> CompletableFuture.completedFuture(site(targetSite).networkMembers()));
        }
    }
}
