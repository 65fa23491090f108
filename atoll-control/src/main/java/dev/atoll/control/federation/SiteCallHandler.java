package dev.atoll.control.federation;

import dev.atoll.control.site.SiteController;
import dev.atoll.wire.CallFailedException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Answers the {@link SiteCalls} other sites make to this one, with its controller. */
public final class SiteCallHandler {
    private final SiteController controller;

    public SiteCallHandler(SiteController controller) {
        this.controller = controller;
    }

    public static boolean serves(String method) {
        return method.startsWith("site.");
    }

    public CompletableFuture<byte[]> handle(String method, byte[] body) {
        return switch (method) {
            case SiteCalls.OFFER ->
                controller
                        .handleOffer(CallBodies.request(body, Offer.class))
                        .thenApply(reply -> CallBodies.write(SiteCalls.OfferAnswer.of(reply)));
            case SiteCalls.RELEASE -> {
                var release = CallBodies.request(body, SiteCalls.Release.class);
                yield controller
                        .handleRelease(release.id(), release.generation(), release.by())
                        .thenApply(v -> CallBodies.write(Map.of()));
            }
            case SiteCalls.MIGRATE -> {
                var migrate = CallBodies.request(body, SiteCalls.Migrate.class);
                yield controller
                        .handleMigrate(migrate.id(), migrate.generation(), migrate.migration(), migrate.by())
                        .thenApply(v -> CallBodies.write(Map.of()));
            }
            case SiteCalls.CLAIM_NODES -> {
                var claim = CallBodies.request(body, NodeClaim.class);
                yield CompletableFuture.completedFuture(CallBodies.write(controller.handleNodeClaim(claim)));
            }
            case SiteCalls.RELEASE_NODES -> {
                var release = CallBodies.request(body, SiteCalls.ReleaseNodes.class);
                controller.handleNodeRelease(release.owner());
                yield CompletableFuture.completedFuture(CallBodies.write(Map.of()));
            }
            case SiteCalls.STORE_COPY ->
                controller
                        .handleStoreCopy(CallBodies.request(body, EnvironmentCopy.class))
                        .thenApply(CallBodies::write);
            case SiteCalls.COPIES_HELD -> {
                var query = CallBodies.request(body, SiteCalls.CopiesHeld.class);
                yield CompletableFuture.supplyAsync(() -> CallBodies.write(controller.copiesHeld(query.homeSite())));
            }
            case SiteCalls.FORGET_COPY -> {
                var forget = CallBodies.request(body, SiteCalls.ForgetCopy.class);
                yield controller
                        .handleForgetCopy(forget.tenant(), forget.environment(), forget.claim())
                        .thenApply(v -> CallBodies.write(Map.of()));
            }
            case SiteCalls.CLAIM_HOMES -> {
                var batch = CallBodies.request(body, SiteCalls.ClaimHomes.class);
                yield controller.handleClaimHomes(batch.claims()).thenApply(CallBodies::write);
            }
            case SiteCalls.REPLICAS_OF -> {
                var query = CallBodies.request(body, SiteCalls.ReplicasOf.class);
                yield CompletableFuture.supplyAsync(() -> CallBodies.write(controller.replicasOf(query.homeSite())));
            }
            case SiteCalls.REPORT_REPLICAS -> {
                var report = CallBodies.request(body, SiteCalls.ReportReplicas.class);
                yield CompletableFuture.completedFuture(
                        CallBodies.write(controller.handleReplicaReport(report.fromSite(), report.report())));
            }
            case SiteCalls.NETWORK_MEMBERS -> {
                CallBodies.request(body, SiteCalls.NetworkMembers.class);
                yield CompletableFuture.supplyAsync(() -> CallBodies.write(controller.networkMembers()));
            }
            default ->
                CompletableFuture.failedFuture(
                        new CallFailedException(CallFailedException.Reason.UNKNOWN_METHOD, "no method " + method));
        };
    }
}
