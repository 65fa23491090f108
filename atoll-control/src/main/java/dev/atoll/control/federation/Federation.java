package dev.atoll.control.federation;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.placement.SiteSummary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * How one site talks to the others: the offer protocol of DESIGN.md and the summaries placement
 * needs. In `atoll dev` every site is in one process ({@link LocalFederation}); the networked
 * implementation comes with sites as separate processes. Calls never block.
 */
public interface Federation {
    /** Sites given up for dead: their replicas are placed again elsewhere. */
    java.util.Set<String> deadSites();

    /** The names of every known site, this one included (cheaper than their summaries). */
    List<String> siteNames();

    /** Summaries of every known site, this one included. */
    List<SiteSummary> summaries();

    /** Ask {@code targetSite} to reserve a node for the replica. */
    CompletableFuture<OfferReply> offer(String targetSite, Offer offer);

    /** Tell {@code targetSite} to stop the replica (unless a newer generation replaced it). */
    CompletableFuture<Void> release(String targetSite, InstanceId id, long generation);

    /** The replicas homed at {@code homeSite} that {@code targetSite} runs, by instance key. */
    CompletableFuture<Map<String, ReplicaStatus>> replicasOf(String targetSite, String homeSite);
}
