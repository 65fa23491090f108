package dev.atoll.control.federation;

import static dev.atoll.control.Fixtures.aService;
import static dev.atoll.control.Fixtures.anEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.control.site.SiteCommand;
import dev.atoll.control.site.SiteState;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.ServiceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Targets tell homes what they run for them, when it changes and every few seconds: a home asks
 * each site once when it starts, and never again, yet follows its replicas' states, and notices
 * one that vanished from a live site.
 */
class ReplicaReportsTest {
    @TempDir
    Path dir;

    private Sites sites;

    @AfterEach
    void stop() {
        if (sites != null) sites.close();
    }

    @Test
    void aHomeFollowsItsReplicasFromTheTargetsReportsWithoutAskingAgain() throws Exception {
        // Given london (the home of what the cloud is asked) counting what it asks other sites
        AtomicInteger questions = new AtomicInteger();
        sites = Sites.startWith(dir, "london", f -> new CountingQuestions(f, questions), "london", "paris");
        await().atMost(Duration.ofSeconds(10)).until(() -> questions.get() >= 2);
        int afterStart = questions.get();

        // When an environment pinned to paris is deployed
        sites.cloud.create(pinnedTo("paris", 3));

        // Then london sees its three replicas running at paris
        await().atMost(Duration.ofSeconds(20)).until(() -> runningAt("paris") == 3);
        // And it never asked again: paris told it
        assertThat(questions.get()).isEqualTo(afterStart);
    }

    @Test
    void aReplicaThatVanishesFromALiveSiteIsPlacedAgainWithANewerGeneration() throws Exception {
        // Given three replicas of an environment homed at london running at paris
        sites = Sites.start(dir, 2, "london", "paris");
        sites.cloud.create(pinnedTo("paris", 3));
        await().atMost(Duration.ofSeconds(20)).until(() -> runningAt("paris") == 3);

        // When paris loses its record of one of them (nobody told london)
        String key = "default/reports.web.1";
        var claim = sites.site("london")
                .read(state -> state.environments().get("default/reports").claimAs("london"));
        sites.site("paris")
                .submit(new SiteCommand.ReleaseInstance(new InstanceId("default", "reports", "web", 1), 1, claim))
                .get();
        boolean stillThere = sites.site("paris").read(state -> state.instances().containsKey(key));
        assertThat(stillThere).isFalse();

        // Then london, told by paris's reports that it is gone, places it again with a newer generation
        // (the next one, or a later one if an offer timed out on a busy machine) and runs it
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var placed = sites.site("london").read(SiteState::placements).values().stream()
                    .filter(p -> p.id().key().equals(key))
                    .toList();
            return placed.size() == 1
                    && placed.getFirst().generation() >= 2
                    && sites.running().getOrDefault(key, List.of()).stream()
                            .anyMatch(c -> c.endsWith("@" + placed.getFirst().generation()));
        });
    }

    @Test
    void aHomeTakesChangesOnlyWhenTheyFollowTheLastReportItTookFromThatTarget() throws Exception {
        // Given a home that took everything rome runs for it, as report 1 of a stream
        sites = Sites.start(dir, 1, "london");
        var london = sites.site("london");
        var taken = ReplicaReport.Receipt.TAKEN;
        var sendEverything = ReplicaReport.Receipt.SEND_EVERYTHING;
        assertThat(london.handleReplicaReport("rome", ReplicaReport.everything(7, 1, Map.of())))
                .isEqualTo(taken);

        // Then changes that follow report 1 are taken, and so are changes that follow those
        assertThat(london.handleReplicaReport("rome", changes(7, 2, 1))).isEqualTo(taken);
        assertThat(london.handleReplicaReport("rome", changes(7, 3, 2))).isEqualTo(taken);
        // But changes that skip a report, repeat one, or come from another stream ask for everything
        assertThat(london.handleReplicaReport("rome", changes(7, 5, 4))).isEqualTo(sendEverything);
        assertThat(london.handleReplicaReport("rome", changes(7, 3, 2))).isEqualTo(sendEverything);
        assertThat(london.handleReplicaReport("rome", changes(8, 4, 3))).isEqualTo(sendEverything);
        // And so do changes from a target it took nothing from
        assertThat(london.handleReplicaReport("oslo", changes(7, 2, 1))).isEqualTo(sendEverything);
        // While changes that follow the last one taken still are
        assertThat(london.handleReplicaReport("rome", changes(7, 4, 3))).isEqualTo(taken);
    }

    @Test
    void aHomeThatMissedAReportOfChangesIsSentEverythingAndSeesWhatTheTargetRuns() throws Exception {
        // Given three replicas homed at london running at paris, and paris's next report lost on the
        // way without paris knowing
        AtomicInteger askedForEverything = new AtomicInteger();
        var lossy = new java.util.concurrent.atomic.AtomicReference<LosingOneReport>();
        sites = Sites.startWith(
                dir,
                "paris",
                f -> {
                    lossy.set(new LosingOneReport(f, askedForEverything));
                    return lossy.get();
                },
                "london",
                "paris");
        sites.cloud.create(pinnedTo("paris", 3));
        await().atMost(Duration.ofSeconds(20)).until(() -> runningAt("paris") == 3);
        lossy.get().loseNext.set(true);

        // When one of them is gone from paris (so the lost report was the only one to say so)
        var claim = sites.site("london")
                .read(state -> state.environments().get("default/reports").claimAs("london"));
        sites.site("paris")
                .submit(new SiteCommand.ReleaseInstance(new InstanceId("default", "reports", "web", 2), 1, claim))
                .get();

        // Then london, finding paris's next report of changes does not follow what it took, asks for
        // everything, and its view of paris matches what paris runs again (here: the replica placed
        // again, with a newer generation)
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var seen = sites.site("london").observedReplicas().getOrDefault("paris", Map.of());
            var runs = sites.site("paris").replicasOf("london");
            return !lossy.get().loseNext.get() && seen.equals(runs) && runningAt("paris") == 3;
        });
        assertThat(askedForEverything.get()).isPositive();
    }

    private static ReplicaReport changes(long stream, long number, long since) {
        return new ReplicaReport(stream, number, since, new java.util.TreeMap<>(), List.of());
    }

    private long runningAt(String target) {
        return sites.site("london").observedReplicas().getOrDefault(target, Map.of()).values().stream()
                .filter(r -> r.state() == InstanceState.RUNNING)
                .count();
    }

    private static EnvironmentSpec pinnedTo(String site, int replicas) {
        ServiceSpec s = aService("web", replicas);
        var intent = new PlacementIntent(
                Set.of(),
                Set.of(),
                Set.of(site),
                Set.of(),
                Set.of(),
                Set.of(),
                List.of(),
                Optional.empty(),
                PlacementIntent.AntiAffinity.NONE,
                PlacementIntent.Strategy.SPREAD);
        return anEnvironment(
                "reports",
                new ServiceSpec(
                        s.name(),
                        s.driver(),
                        s.command(),
                        s.env(),
                        s.resources(),
                        s.ports(),
                        s.health(),
                        replicas,
                        s.restart(),
                        intent));
    }

    /** A site's view of the federation that counts the times it asks another site for its replicas. */
    private record CountingQuestions(Federation delegate, AtomicInteger questions) implements ForwardingFederation {
        @Override
        public CompletableFuture<Map<String, ReplicaStatus>> replicasOf(String targetSite, String homeSite) {
            questions.incrementAndGet();
            return delegate.replicasOf(targetSite, homeSite);
        }
    }

    /** A site's view of the federation that loses its next report (when told to) as if it arrived. */
    private record LosingOneReport(
            Federation delegate, AtomicInteger askedForEverything, java.util.concurrent.atomic.AtomicBoolean loseNext)
            implements ForwardingFederation {
        LosingOneReport(Federation delegate, AtomicInteger askedForEverything) {
            this(delegate, askedForEverything, new java.util.concurrent.atomic.AtomicBoolean());
        }

        @Override
        public CompletableFuture<ReplicaReport.Receipt> reportReplicas(
                String homeSite, String fromSite, ReplicaReport report) {
            if (loseNext.compareAndSet(true, false))
                return CompletableFuture.completedFuture(ReplicaReport.Receipt.TAKEN);
            return delegate.reportReplicas(homeSite, fromSite, report).thenApply(receipt -> {
                if (receipt == ReplicaReport.Receipt.SEND_EVERYTHING) askedForEverything.incrementAndGet();
                return receipt;
            });
        }
    }
}
