package dev.atoll.control.federation;

import static dev.atoll.control.Fixtures.aService;
import static dev.atoll.control.Fixtures.anEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.control.metrics.ControlMetrics.Detection;
import dev.atoll.control.metrics.ControlMetrics.PlacementKind;
import dev.atoll.control.metrics.OfferOutcome;
import dev.atoll.control.metrics.RecordingControlMetrics.Placement;
import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.ServiceSpec;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a site's control plane counts for its operator moves when the thing happens: a deploy raises
 * placements (with their latency) and accepted offers, a rejected offer is counted with its reason
 * at the target and at the home, and a lost node and a lost site are counted as detections.
 */
class ControlMetricsTest {
    @TempDir
    Path dir;

    private Sites sites;

    @AfterEach
    void stop() {
        if (sites != null) sites.close();
    }

    @Test
    void aDeployRaisesPlacementsWithTheirLatencyAndAcceptedOffersAtHomeAndTarget() throws Exception {
        // Given two sites, london the entry (home) of the cloud
        sites = Sites.start(dir, 2, "london", "paris");

        // When an environment of four replicas is deployed
        sites.cloud.create(anEnvironment("shop", aService("web", 4)));

        // Then london counts four placements of a deploy, each with a latency between 0 and the wait
        await().atMost(Duration.ofSeconds(20))
                .until(() -> sites.metrics.placements().size() == 4);
        assertThat(sites.metrics.placements()).allSatisfy(p -> {
            assertThat(p.site()).isEqualTo("london");
            assertThat(p.kind()).isEqualTo(PlacementKind.DEPLOY);
            assertThat(p.latency()).isBetween(Duration.ZERO, Duration.ofSeconds(20));
        });
        // And every offer it made was accepted, at home as at the targets
        long handled = sites.metrics.offersHandled("london", OfferOutcome.ACCEPTED)
                + sites.metrics.offersHandled("paris", OfferOutcome.ACCEPTED);
        assertThat(sites.metrics.offersAnswered("london", OfferOutcome.ACCEPTED))
                .isEqualTo(4);
        assertThat(handled).isEqualTo(4);
        assertThat(sites.metrics.offersAnswered("london", OfferOutcome.NO_FIT)).isZero();
    }

    @Test
    void anOfferNoNodeCanHoldIsRejectedAndCountedAsNoFitByTheTarget() throws Exception {
        // Given paris, whose nodes have 8 GiB of memory each
        sites = Sites.start(dir, 2, "london", "paris");
        ServiceSpec s = aService("big", 1);
        ServiceSpec big = new ServiceSpec(
                s.name(),
                s.driver(),
                s.command(),
                s.env(),
                new Resources(500, 64L << 30),
                s.ports(),
                s.health(),
                1,
                s.restart(),
                s.placement());

        // When london offers it a replica that needs 64 GiB
        var reply = sites.site("paris")
                .handleOffer(new Offer(
                        new InstanceId("default", "huge", "big", 0), 1, big, new HomeClaim("london", 1, Instant.EPOCH)))
                .get(10, TimeUnit.SECONDS);

        // Then paris rejects it as no-fit, with the reason a user reads, and counts it so
        assertThat(reply).isInstanceOfSatisfying(OfferReply.Rejected.class, r -> {
            assertThat(r.kind()).isEqualTo(OfferOutcome.NO_FIT);
            assertThat(r.reason()).contains("memory");
        });
        assertThat(sites.metrics.offersHandled("paris", OfferOutcome.NO_FIT)).isEqualTo(1);
        assertThat(sites.metrics.offersHandled("paris", OfferOutcome.ACCEPTED)).isZero();
    }

    @Test
    void aRejectedOfferIsCountedByTheHomeWithTheReasonTheTargetGave() throws Exception {
        // Given london, whose first offer is answered "no node fits" (as a full target would)
        AtomicBoolean rejectedOnce = new AtomicBoolean();
        sites = Sites.startWith(dir, "london", f -> rejectingFirstOffer(f, rejectedOnce), "london", "paris");

        // When one replica is deployed
        sites.cloud.create(anEnvironment("one", aService("web", 1)));

        // Then the home counts the rejection by its reason, offers again and places the replica
        await().atMost(Duration.ofSeconds(20))
                .until(() -> sites.metrics.placements().size() == 1);
        assertThat(sites.metrics.offersAnswered("london", OfferOutcome.NO_FIT)).isEqualTo(1);
        assertThat(sites.metrics.offersAnswered("london", OfferOutcome.ACCEPTED))
                .isEqualTo(1);
        assertThat(sites.metrics.placements()).extracting(Placement::kind).containsExactly(PlacementKind.DEPLOY);
    }

    @Test
    void aSiteWhoseNodesFallSilentCountsThemSuspectedThenDownAndTheOtherSiteCountsItLost() throws Exception {
        // Given two sites with two nodes each
        sites = Sites.start(dir, 2, "london", "paris");

        // When paris is lost whole (cut off, its nodes stopped)
        sites.crash("paris");

        // Then london counts paris lost, and paris, still running, counts its two nodes suspected then down
        await().atMost(Duration.ofSeconds(10)).until(() -> sites.metrics.detections("paris", Detection.NODE_DOWN) == 2);
        assertThat(sites.metrics.detections("london", Detection.SITE_LOST)).isEqualTo(1);
        assertThat(sites.metrics.detections("paris", Detection.NODE_SUSPECTED)).isEqualTo(2);
        assertThat(sites.metrics.detections("london", Detection.NODE_DOWN)).isZero();
    }

    /** A view of the federation whose first offer comes back rejected as "no node fits". */
    private static Federation rejectingFirstOffer(Federation delegate, AtomicBoolean rejectedOnce) {
        return (Federation) Proxy.newProxyInstance(
                Federation.class.getClassLoader(), new Class<?>[] {Federation.class}, (proxy, method, args) -> {
                    if (method.getName().equals("offer") && rejectedOnce.compareAndSet(false, true)) {
                        return CompletableFuture.completedFuture(new OfferReply.Rejected(
                                (String) args[0], "0 of 2 nodes fit: 2 short of memory", OfferOutcome.NO_FIT));
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
