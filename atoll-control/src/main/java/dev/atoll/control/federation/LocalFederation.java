package dev.atoll.control.federation;

import dev.atoll.control.site.SiteController;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.placement.SiteSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The offer protocol between sites that live in one process (`atoll dev`). */
public final class LocalFederation implements Federation {
    private final Map<String, SiteController> sites = new LinkedHashMap<>();
    /** Sites cut off from the others (crashed, or behind a partition): nothing reaches them. */
    private final java.util.Set<String> unreachable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public synchronized void join(SiteController site) {
        sites.put(site.site().name(), site);
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
    public java.util.Set<String> deadSites() {
        return java.util.Set.copyOf(unreachable);
    }

    @Override
    public synchronized List<String> siteNames() {
        return List.copyOf(sites.keySet());
    }

    @Override
    public List<SiteSummary> summaries() {
        return all().stream()
                .map(s -> unreachable.contains(s.site().name())
                        ? new SiteSummary(s.site(), false, List.of())
                        : s.summary())
                .toList();
    }

    @Override
    public CompletableFuture<OfferReply> offer(String targetSite, Offer offer) {
        if (unreachable.contains(targetSite)) {
            return CompletableFuture.completedFuture(
                    new OfferReply.Rejected(targetSite, "site " + targetSite + " is unreachable"));
        }
        return site(targetSite).handleOffer(offer);
    }

    @Override
    public CompletableFuture<Void> release(String targetSite, InstanceId id, long generation) {
        if (unreachable.contains(targetSite)) return CompletableFuture.failedFuture(unreachableSite(targetSite));
        return site(targetSite).handleRelease(id, generation);
    }

    @Override
    public CompletableFuture<Map<String, ReplicaStatus>> replicasOf(String targetSite, String homeSite) {
        if (unreachable.contains(targetSite)) return CompletableFuture.failedFuture(unreachableSite(targetSite));
        return CompletableFuture.completedFuture(site(targetSite).replicasOf(homeSite));
    }

    private static IllegalStateException unreachableSite(String site) {
        return new IllegalStateException("site " + site + " is unreachable");
    }
}
