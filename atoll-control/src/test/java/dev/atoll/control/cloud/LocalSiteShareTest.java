package dev.atoll.control.cloud;

import static dev.atoll.control.Fixtures.aNode;
import static dev.atoll.control.Fixtures.aService;
import static dev.atoll.control.Fixtures.aSite;
import static dev.atoll.control.Fixtures.anEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.control.federation.LocalFederation;
import dev.atoll.control.raft.RaftGroup;
import dev.atoll.control.raft.RaftTimings;
import dev.atoll.control.site.SiteController;
import dev.atoll.control.site.SiteStateMachine;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.EnvironmentSpec;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A home shows its environments from its own state and what it observes of other sites: london
 * has no nodes, so everything it homes runs on paris, and london still shows every detail of it.
 */
class LocalSiteShareTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final FakeAgent parisAgent = new FakeAgent();
    private final LocalFederation federation = new LocalFederation();
    private ScheduledExecutorService heartbeats;
    private SiteController londonSite;
    private SiteController parisSite;
    private LocalSiteShare london;
    private LocalSiteShare paris;

    @BeforeEach
    void startTwoSites() throws Exception {
        var events = new EventLog(Clock.systemUTC(), 1000);
        londonSite = site("london", Map.of(), events);
        parisSite = site("paris", Map.of("n1", parisAgent), events);
        heartbeats = Executors.newSingleThreadScheduledExecutor();
        heartbeats.scheduleAtFixedRate(parisAgent::heartbeat, 0, 100, TimeUnit.MILLISECONDS);
        londonSite.start(federation, List.of()).get(30, TimeUnit.SECONDS);
        parisSite
                .start(federation, List.of(aNode("paris", "n1", 8000, 16L << 30)))
                .get(30, TimeUnit.SECONDS);
        london = new LocalSiteShare(londonSite, Clock.systemUTC());
        paris = new LocalSiteShare(parisSite, Clock.systemUTC());
    }

    private SiteController site(String name, Map<String, FakeAgent> agents, EventLog events) {
        var raft = RaftGroup.open(
                name, List.of(name + "-c1"), dataDir.resolve(name), SiteStateMachine::new, RaftTimings.defaults());
        closing.add(raft);
        var controller = new SiteController(aSite(name), raft, Map.copyOf(agents), Clock.systemUTC(), events, 1);
        closing.add(controller);
        federation.join(controller);
        return controller;
    }

    @AfterEach
    void stop() throws Exception {
        heartbeats.shutdownNow();
        // Controllers before their Raft groups.
        for (AutoCloseable c : closing.reversed()) c.close();
    }

    private static <T> T now(java.util.concurrent.CompletableFuture<T> future) throws Exception {
        return future.get(20, TimeUnit.SECONDS);
    }

    private HomedEnvironment homedAtLondon(String name) throws Exception {
        return now(london.part()).environments().stream()
                .filter(h -> h.environment().name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private boolean isReady(String name) throws Exception {
        return homedAtLondon(name).environment().status().equals("ready");
    }

    private static EnvironmentSpec shop(int replicas) {
        return anEnvironment("shop", aService("web", replicas));
    }

    @Test
    void givenReplicasHomedHereRunningOnAnotherSiteWhenReadingThePartThenTheHomeShowsWhatThatSiteReports()
            throws Exception {
        assertThat(now(london.put(shop(2))).outcome()).isEqualTo(PutResult.Outcome.CREATED);

        await().atMost(WAIT).until(() -> isReady("shop"));

        HomedEnvironment shop = homedAtLondon("shop");
        assertThat(shop.environment().homeSite()).isEqualTo("london");
        assertThat(shop.environment().services().getFirst().running()).isEqualTo(2);
        assertThat(shop.instances()).hasSize(2).allSatisfy(i -> {
            assertThat(i.site()).isEqualTo("paris");
            assertThat(i.node()).isEqualTo("n1");
            assertThat(i.state()).isEqualTo(InstanceState.RUNNING);
            assertThat(i.startedAt()).contains(FakeAgent.STARTED);
        });
        assertThat(shop.instances())
                .extracting(InstanceView::id, InstanceView::ports, InstanceView::pid)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("shop.web.0", Map.of("http", 40000), Optional.of(1000L)),
                        org.assertj.core.groups.Tuple.tuple("shop.web.1", Map.of("http", 40001), Optional.of(1001L)));
        SitePart parisPart = now(paris.part());
        assertThat(parisPart.environments()).isEmpty();
        assertThat(parisPart.site().instances()).isEqualTo(2);
        assertThat(parisPart.site().health()).isEqualTo("healthy");
        assertThat(parisPart.nodes()).singleElement().satisfies(n -> {
            assertThat(n.state()).isEqualTo("ready");
            assertThat(n.instances()).isEqualTo(2);
        });
        assertThat(now(london.part()).site().nodes()).isZero();
    }

    @Test
    void givenAnEnvironmentHomedHereWhenPuttingItAgainThenTheOutcomeSaysWhatChanged() throws Exception {
        now(london.put(shop(1)));

        assertThat(now(london.put(shop(1)))).isEqualTo(new PutResult(PutResult.Outcome.UNCHANGED, List.of()));
        assertThat(now(london.put(shop(3)))).isEqualTo(new PutResult(PutResult.Outcome.UPDATED, List.of("web")));
        assertThat(homedAtLondon("shop").environment().version()).isEqualTo(2);
    }

    @Test
    void givenAReplicaRunningHereWhenReadingItsLogThenThisSiteServesItAndOthersHaveNone() throws Exception {
        now(london.put(shop(1)));
        await().atMost(WAIT).until(() -> isReady("shop"));

        assertThat(now(paris.readLog("default", "shop.web.0", 6, 1024)))
                .hasValueSatisfying(bytes ->
                        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("from shop.web.0\n"));
        assertThat(now(paris.readLog("default", "shop.web.0", 0, 5)))
                .hasValueSatisfying(bytes -> assertThat(bytes).hasSize(5));
        assertThat(now(london.readLog("default", "shop.web.0", 0, 1024))).isEmpty();
        assertThat(now(paris.readLog("other-tenant", "shop.web.0", 0, 1024))).isEmpty();
    }

    @Test
    void givenTheSiteThatRunsTheReplicasIsCutOffWhenReadingTheHomeThenTheyShowItIsUnreachable() throws Exception {
        now(london.put(shop(2)));
        await().atMost(WAIT).until(() -> isReady("shop"));

        federation.cutOff("paris");

        // With paris gone london has nowhere to put them: they wait, and say why.
        await().atMost(WAIT).until(() -> homedAtLondon("shop").instances().stream()
                .allMatch(i -> i.message().startsWith("site paris is unreachable; ")));
        HomedEnvironment shop = homedAtLondon("shop");
        assertThat(shop.instances())
                .extracting(InstanceView::state)
                .allMatch(s -> s == InstanceState.PENDING || s == InstanceState.UNPLACEABLE);
        assertThat(shop.environment().status()).isNotEqualTo("ready");
    }

    @Test
    void givenAnEnvironmentHomedHereWhenDeletingItThenItIsShownDeletingUntilItIsForgotten() throws Exception {
        now(london.put(shop(1)));
        await().atMost(WAIT).until(() -> isReady("shop"));

        now(london.delete("default", "shop"));

        await().atMost(WAIT).until(() -> now(london.part()).environments().isEmpty());
        await().atMost(WAIT).until(() -> now(paris.part()).site().instances() == 0);
    }

    @Test
    void givenBothSharesWhenTheCloudIsReadFromLondonThenParisLogsAreReadThroughIt() throws Exception {
        var cloud = FederatedCloud.inProcess(
                List.of(londonSite, parisSite),
                "london",
                new EventLog(Clock.systemUTC(), 10),
                Clock.systemUTC(),
                federation::deadSites);
        assertThat(cloud.create(shop(1))).isInstanceOf(dev.atoll.model.view.DeployOutcome.Created.class);
        await().atMost(WAIT).until(() -> cloud.environment("default", "shop")
                .map(e -> e.status().equals("ready"))
                .orElse(false));

        try (InputStream in = cloud.openLog("default", "shop.web.0", 0).orElseThrow()) {
            assertThat(in.readAllBytes())
                    .asString(StandardCharsets.UTF_8)
                    .isEqualTo(FakeAgent.logOf(new dev.atoll.model.instance.InstanceId("default", "shop", "web", 0)));
        }
        assertThat(cloud.instances("default", null, "paris")).hasSize(1);

        federation.cutOff("paris");

        assertThat(cloud.sites())
                .extracting(s -> s.name() + " " + s.health())
                .containsExactly("london healthy", "paris unreachable");
    }
}
