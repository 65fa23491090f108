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
    private record CountingQuestions(Federation delegate, AtomicInteger questions) implements Federation {
        @Override
        public CompletableFuture<Map<String, ReplicaStatus>> replicasOf(String targetSite, String homeSite) {
            questions.incrementAndGet();
            return delegate.replicasOf(targetSite, homeSite);
        }

        @Override
        public CompletableFuture<Void> reportReplicas(
                String homeSite, String fromSite, Map<String, ReplicaStatus> replicas) {
            return delegate.reportReplicas(homeSite, fromSite, replicas);
        }

        @Override
        public Set<String> deadSites() {
            return delegate.deadSites();
        }

        @Override
        public List<String> siteNames() {
            return delegate.siteNames();
        }

        @Override
        public List<dev.atoll.placement.SiteSummary> summaries() {
            return delegate.summaries();
        }

        @Override
        public CompletableFuture<OfferReply> offer(String targetSite, Offer offer) {
            return delegate.offer(targetSite, offer);
        }

        @Override
        public CompletableFuture<Void> release(String targetSite, InstanceId id, long generation, HomeClaim by) {
            return delegate.release(targetSite, id, generation, by);
        }

        @Override
        public CompletableFuture<HomeClaim> storeCopy(String buddySite, EnvironmentCopy copy) {
            return delegate.storeCopy(buddySite, copy);
        }

        @Override
        public CompletableFuture<Map<String, HomeClaim>> copiesHeld(String buddySite, String homeSite) {
            return delegate.copiesHeld(buddySite, homeSite);
        }

        @Override
        public CompletableFuture<Void> forgetCopy(
                String buddySite, String tenant, String environment, HomeClaim claim) {
            return delegate.forgetCopy(buddySite, tenant, environment, claim);
        }

        @Override
        public CompletableFuture<HomeClaim> claimHome(
                String targetSite, String tenant, String environment, HomeClaim claim) {
            return delegate.claimHome(targetSite, tenant, environment, claim);
        }

        @Override
        public CompletableFuture<List<dev.atoll.model.network.NetworkMember>> networkMembers(String targetSite) {
            return delegate.networkMembers(targetSite);
        }

        @Override
        public Map<String, Long> networkMembersVersions() {
            return delegate.networkMembersVersions();
        }
    }
}
