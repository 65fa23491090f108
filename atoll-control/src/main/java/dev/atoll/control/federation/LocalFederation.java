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

    @Override
    public List<SiteSummary> summaries() {
        return all().stream().map(SiteController::summary).toList();
    }

    @Override
    public CompletableFuture<OfferReply> offer(String targetSite, Offer offer) {
        return site(targetSite).handleOffer(offer);
    }

    @Override
    public CompletableFuture<Void> release(String targetSite, InstanceId id, long generation) {
        return site(targetSite).handleRelease(id, generation);
    }

    @Override
    public CompletableFuture<Map<String, ReplicaStatus>> replicasOf(String targetSite, String homeSite) {
        return CompletableFuture.completedFuture(site(targetSite).replicasOf(homeSite));
    }
}
