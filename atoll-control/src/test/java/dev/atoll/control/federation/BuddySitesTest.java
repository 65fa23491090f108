package dev.atoll.control.federation;

import static dev.atoll.control.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.control.home.Buddies;
import dev.atoll.control.site.SiteState;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.view.DeployOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environments outlive their home site: acknowledged only once a buddy site holds a copy, adopted
 * by that buddy when the home dies, and homed exactly once again after a partition heals.
 */
class BuddySitesTest {
    private static final List<String> NAMES = List.of("london", "frankfurt", "paris");
    private static final String BUDDY = Buddies.of("london", NAMES, Set.of()).getFirst();
    private static final String THIRD = NAMES.stream()
            .filter(s -> !s.equals("london") && !s.equals(BUDDY))
            .findFirst()
            .orElseThrow();

    @TempDir
    Path dir;

    private Sites sites;

    @AfterEach
    void stop() {
        if (sites != null) sites.close();
    }

    private static EnvironmentSpec oneReplicaPerNode(String name, int replicas) {
        ServiceSpec s = aService("web", replicas);
        var intent = new PlacementIntent(
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of(),
                List.of(),
                java.util.Optional.empty(),
                PlacementIntent.AntiAffinity.NODE,
                PlacementIntent.Strategy.SPREAD);
        return anEnvironment(
                name,
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

    private boolean holdsCopy(String site, String environment) {
        return sites.site(site).read(s -> s.copies().containsKey("default/" + environment));
    }

    private Set<String> homesOf(String environment) {
        return sites.controllers.values().stream()
                .filter(c -> c.read(s -> s.environments().containsKey("default/" + environment)))
                .map(c -> c.site().name())
                .collect(Collectors.toSet());
    }

    private boolean readyAt(String environment, String home) {
        return sites.cloud
                .environment("default", environment)
                .map(e -> e.status().equals("ready") && e.homeSite().equals(home))
                .orElse(false);
    }

    private List<InstanceView> instances(String environment) {
        return sites.cloud.instances("default", environment, null);
    }

    // --- acknowledgement ---------------------------------------------------------------------

    @Test
    void aChangeIsAcknowledgedOnlyOnceABuddySiteCommittedItsCopy() throws Exception {
        var held = new CompletableFuture<Void>();
        sites = Sites.startWith(dir, "london", f -> new HoldingCopies(f, held), NAMES.toArray(String[]::new));

        var put = sites.site("london").putEnvironment(anEnvironment("hello", aService("web", 1)), Instant.now());

        await().atMost(Duration.ofSeconds(10)).until(() -> homesOf("hello").equals(Set.of("london")));
        assertThat(put).as("committed at home, copy held back").isNotDone();
        assertThat(holdsCopy(BUDDY, "hello")).isFalse();

        held.complete(null);

        put.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(holdsCopy(BUDDY, "hello")).isTrue();
    }

    @Test
    void whenTheBuddyIsCutOffTheNextLiveSiteOnTheRingKeepsTheCopy() throws Exception {
        sites = Sites.start(dir, 2, NAMES.toArray(String[]::new));
        sites.federation.cutOff(BUDDY);

        var created = sites.cloud.create(anEnvironment("hello", aService("web", 1)));

        assertThat(created).isInstanceOf(DeployOutcome.Created.class);
        assertThat(holdsCopy(THIRD, "hello")).isTrue();
    }

    @Test
    void aChangeIsNotAcknowledgedWhileNoOtherSiteCanKeepACopyAndIsCopiedOnceOneCan() throws Exception {
        sites = Sites.start(dir, 2, NAMES.toArray(String[]::new));
        sites.federation.cutOff(BUDDY);
        sites.federation.cutOff(THIRD);

        var outcome = sites.cloud.create(anEnvironment("hello", aService("web", 1)));

        assertThat(outcome).isInstanceOf(dev.atoll.model.view.DeployOutcome.Unavailable.class);
        assertThat(((dev.atoll.model.view.DeployOutcome.Unavailable) outcome).message())
                .startsWith("environment hello is committed at site london but not acknowledged")
                .contains("no other site is reachable");

        sites.federation.reconnect(BUDDY);
        await().atMost(Duration.ofSeconds(10)).until(() -> holdsCopy(BUDDY, "hello"));
    }

    @Test
    void theBuddyKeepsUpWithEveryChangeTheHomeMakes() throws Exception {
        sites = Sites.start(dir, 2, NAMES.toArray(String[]::new));
        sites.cloud.create(oneReplicaPerNode("hello", 3));
        await().atMost(Duration.ofSeconds(10)).until(() -> readyAt("hello", "london"));

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var home = sites.site("london").read(s -> Map.copyOf(s.placements()));
            var copy = sites.site(BUDDY).read(s -> s.copies().get("default/hello"));
            return copy != null && copy.placements().equals(home);
        });
    }

    @Test
    void copiesMoveWithTheBuddyAndNoSiteKeepsACopyOfAnEnvironmentItsHomeForgot() throws Exception {
        sites = Sites.start(dir, 2, NAMES.toArray(String[]::new));
        sites.cloud.create(anEnvironment("hello", aService("web", 1)));
        // A copy the home no longer knows it sent (it forgot the environment under an earlier leader).
        var ghost = new SiteState.HomedEnvironment(
                anEnvironment("ghost", aService("web", 1)), 1, Map.of("web", 1L), T0, T0, false);
        sites.federation
                .storeCopy(BUDDY, new EnvironmentCopy("london", ghost, Map.of(), Map.of(), 1))
                .get();

        sites.federation.cutOff(BUDDY);
        await().atMost(Duration.ofSeconds(10)).until(() -> holdsCopy(THIRD, "hello"));
        sites.federation.reconnect(BUDDY);

        await().atMost(Duration.ofSeconds(10)).until(() -> !holdsCopy(BUDDY, "ghost") && !holdsCopy(THIRD, "hello"));
        assertThat(holdsCopy(BUDDY, "hello")).isTrue();
    }

    // --- adoption ----------------------------------------------------------------------------

    @Test
    void whenTheHomeSiteDiesItsBuddyAdoptsTheEnvironmentAndOnlyTheLostReplicasArePlacedAgain() throws Exception {
        sites = Sites.start(dir, 3, NAMES.toArray(String[]::new));
        sites.cloud.create(oneReplicaPerNode("hello", 6));
        await().atMost(Duration.ofSeconds(20)).until(() -> readyAt("hello", "london"));
        Map<String, List<String>> before = sites.running();
        Set<String> onLondon = before.entrySet().stream()
                .filter(e -> e.getValue().getFirst().startsWith("london/"))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        assertThat(onLondon).isNotEmpty().hasSizeLessThan(6);

        sites.crash("london");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> readyAt("hello", BUDDY)
                        && instances("hello").stream()
                                .allMatch(i -> i.state() == InstanceState.RUNNING
                                        && !i.site().equals("london")));
        Map<String, List<String>> after = sites.running();
        assertThat(after).hasSize(6);
        for (var entry : after.entrySet()) {
            String key = entry.getKey();
            assertThat(entry.getValue()).as(key).hasSize(1);
            if (onLondon.contains(key)) {
                long generation = generationOf(before.get(key).getFirst());
                assertThat(entry.getValue().getFirst())
                        .as(key)
                        .doesNotStartWith("london/")
                        .endsWith("@" + (generation + 1));
            } else {
                assertThat(entry.getValue()).as("kept running where it was").isEqualTo(before.get(key));
                assertThat(sites.starts())
                        .as("never started again")
                        .filteredOn(s -> s.contains(":" + key + "@"))
                        .hasSize(1);
            }
        }
        assertThat(sites.cloud.recentEvents(500)).anyMatch(e -> e.type().equals("environment-adopted"));

        var scaled = sites.cloud.scale("default", "hello", "web", 4);

        assertThat(scaled).isInstanceOf(DeployOutcome.Updated.class);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> readyAt("hello", BUDDY) && sites.running().size() == 4);
        assertThat(instances("hello")).hasSize(4).allMatch(i -> i.state() == InstanceState.RUNNING);
    }

    @Test
    void aHomeBackFromAPartitionForgetsWhatItsBuddyAdoptedAndEveryReplicaRunsOnce() throws Exception {
        sites = Sites.start(dir, 3, NAMES.toArray(String[]::new));
        sites.cloud.create(oneReplicaPerNode("hello", 6));
        await().atMost(Duration.ofSeconds(20)).until(() -> readyAt("hello", "london"));
        Map<String, List<String>> before = sites.running();
        Set<String> keptByLondon = before.entrySet().stream()
                .filter(e -> e.getValue().getFirst().startsWith("london/"))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        assertThat(keptByLondon).isNotEmpty();

        sites.federation.cutOff("london");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> readyAt("hello", BUDDY)
                        && instances("hello").stream().noneMatch(i -> i.site().equals("london")));
        // Autonomy: the cut-off site keeps running what it had.
        assertThat(sites.running()).allSatisfy((key, copies) -> {
            if (keptByLondon.contains(key))
                assertThat(copies).contains(before.get(key).getFirst());
        });
        assertThat(homesOf("hello")).contains(BUDDY);

        sites.federation.reconnect("london");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> homesOf("hello").equals(Set.of(BUDDY))
                        && sites.running().values().stream().allMatch(copies -> copies.size() == 1));
        Map<String, SiteState.ReplicaPlacement> placements = sites.site(BUDDY).read(s -> Map.copyOf(s.placements()));
        Map<String, List<String>> after = sites.running();
        assertThat(after.keySet()).isEqualTo(placements.keySet()).hasSize(6);
        after.forEach((key, copies) -> {
            var p = placements.get(key);
            assertThat(copies.getFirst()).as(key).startsWith(p.site() + "/").endsWith("@" + p.generation());
        });
        assertThat(sites.cloud.environments("default")).hasSize(1);
        assertThat(sites.cloud.recentEvents(500)).anyMatch(e -> e.type().equals("environment-superseded"));
    }

    @Test
    void aBuddyThatAdoptsSeveralEnvironmentsTellsASiteTheirClaimsInBatchesOneCallAtATime() throws Exception {
        var told = new TellingClaims();
        sites = Sites.startWith(dir, BUDDY, f -> told.wrapping(f), NAMES.toArray(String[]::new));
        for (String name : List.of("one", "two", "three")) sites.cloud.create(anEnvironment(name, aService("web", 1)));
        await().atMost(Duration.ofSeconds(20)).until(() -> readyAt("three", "london"));

        sites.crash("london");

        await().atMost(Duration.ofSeconds(20)).until(() -> Set.of("one", "two", "three").stream()
                .allMatch(name -> sites.site(THIRD).read(s -> {
                    HomeClaim claim = s.homeClaims().get("default/" + name);
                    return claim != null && claim.homeSite().equals(BUDDY);
                })));
        assertThat(told.environmentsTold(THIRD)).containsExactlyInAnyOrder("one", "two", "three");
        assertThat(told.mostAtOnce(THIRD)).isEqualTo(1);
    }

    /** Counts the claims a site's federation sends, by target, and how many calls to one target overlapped. */
    private static final class TellingClaims {
        private final Map<String, List<String>> told = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, java.util.concurrent.atomic.AtomicInteger> open =
                new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, Integer> most = new java.util.concurrent.ConcurrentHashMap<>();

        Federation wrapping(Federation delegate) {
            return new ForwardingFederation() {
                @Override
                public Federation delegate() {
                    return delegate;
                }

                @Override
                public CompletableFuture<List<HomeClaim>> claimHomes(String target, List<EnvironmentClaim> claims) {
                    int now = open.computeIfAbsent(target, t -> new java.util.concurrent.atomic.AtomicInteger())
                            .incrementAndGet();
                    most.merge(target, now, Math::max);
                    claims.forEach(
                            c -> told.computeIfAbsent(target, t -> new java.util.concurrent.CopyOnWriteArrayList<>())
                                    .add(c.environment()));
                    return delegate.claimHomes(target, claims)
                            .whenComplete((v, e) -> open.get(target).decrementAndGet());
                }
            };
        }

        List<String> environmentsTold(String target) {
            return told.getOrDefault(target, List.of());
        }

        int mostAtOnce(String target) {
            return most.getOrDefault(target, 0);
        }
    }

    private static long generationOf(String copy) {
        return Long.parseLong(copy.substring(copy.indexOf('@') + 1));
    }

    /** A site's federation whose copies to buddies wait until {@code held} completes. */
    private record HoldingCopies(Federation delegate, CompletableFuture<Void> held) implements ForwardingFederation {
        @Override
        public CompletableFuture<HomeClaim> storeCopy(String buddySite, EnvironmentCopy copy) {
            return held.thenCompose(v -> delegate.storeCopy(buddySite, copy));
        }
    }
}
