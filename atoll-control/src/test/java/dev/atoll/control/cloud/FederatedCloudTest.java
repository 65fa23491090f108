package dev.atoll.control.cloud;

import static dev.atoll.control.Fixtures.aService;
import static dev.atoll.control.Fixtures.anEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.Fixtures;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.view.DeployOutcome;
import dev.atoll.model.view.EnvironmentView;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FederatedCloudTest {
    private final FakeSiteShare london = new FakeSiteShare("london");
    private final FakeSiteShare paris = new FakeSiteShare("paris");
    private final FakeSiteShare tokyo = new FakeSiteShare("tokyo");
    private final List<SiteView> knownButUnreachable = new ArrayList<>();

    private FederatedCloud cloud() {
        return new FederatedCloud(
                london,
                () -> List.of(london, paris, tokyo),
                () -> List.copyOf(knownButUnreachable),
                new EventLog(Clock.fixed(Fixtures.T0, java.time.ZoneOffset.UTC), 10),
                Duration.ofMillis(200),
                Duration.ofSeconds(2));
    }

    private static EnvironmentSpec inTenant(String tenant, EnvironmentSpec spec) {
        return new EnvironmentSpec(spec.name(), tenant, spec.services());
    }

    @Test
    void givenASiteThatNeverAnswersWhenListingThenTheOthersAreShownAndItIsUnreachable() {
        var cloud = cloud();
        paris.homing(anEnvironment("shop", aService("web", 2)));
        tokyo.homing(anEnvironment("blog", aService("web", 1)));
        assertThat(cloud.sites()).extracting(SiteView::health).containsOnly("healthy");

        tokyo.behaviour = FakeSiteShare.Behaviour.NEVER_ANSWERS;

        assertThat(cloud.environments("default"))
                .extracting(EnvironmentView::name)
                .containsExactly("shop");
        assertThat(cloud.sites())
                .extracting(SiteView::name, SiteView::health, SiteView::nodes)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("london", "healthy", 1),
                        org.assertj.core.groups.Tuple.tuple("paris", "healthy", 1),
                        // What tokyo last said of itself, marked unreachable.
                        org.assertj.core.groups.Tuple.tuple("tokyo", "unreachable", 1));
        assertThat(cloud.nodes()).extracting(NodeView::site).containsExactly("london", "paris");
    }

    @Test
    void givenASiteWhoseShareFailsWhenListingInstancesThenTheOthersAreListed() {
        paris.homing(anEnvironment("shop", aService("web", 2)));
        tokyo.homing(anEnvironment("blog", aService("web", 1)));
        tokyo.behaviour = FakeSiteShare.Behaviour.FAILS;

        assertThat(cloud().instances("default", null, null))
                .extracting(InstanceView::id)
                .containsExactly("shop.web.0", "shop.web.1");
        assertThat(cloud().sites())
                .filteredOn(s -> s.name().equals("tokyo"))
                .extracting(SiteView::health)
                .containsExactly("unreachable");
    }

    @Test
    void givenSitesKnownButUnreachableWhenListingSitesThenTheyAreListedAsUnreachable() {
        knownButUnreachable.add(FakeSiteShare.siteView("frankfurt", "healthy"));

        assertThat(cloud().sites())
                .extracting(SiteView::name, SiteView::health)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("frankfurt", "unreachable"),
                        org.assertj.core.groups.Tuple.tuple("london", "healthy"),
                        org.assertj.core.groups.Tuple.tuple("paris", "healthy"),
                        org.assertj.core.groups.Tuple.tuple("tokyo", "healthy"));
    }

    @Test
    void givenEnvironmentsOfTwoTenantsWhenOneTenantListsThenItSeesOnlyItsOwn() {
        paris.homing(inTenant("acme", anEnvironment("shop", aService("web", 1))));
        tokyo.homing(inTenant("globex", anEnvironment("shop", aService("web", 2))));
        london.homing(inTenant("acme", anEnvironment("blog", aService("web", 1))));
        var cloud = cloud();

        assertThat(cloud.environments("acme"))
                .extracting(EnvironmentView::name, EnvironmentView::homeSite)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("blog", "london"),
                        org.assertj.core.groups.Tuple.tuple("shop", "paris"));
        assertThat(cloud.environment("globex", "shop").orElseThrow().homeSite()).isEqualTo("tokyo");
        assertThat(cloud.environment("globex", "blog")).isEmpty();
        assertThat(cloud.instances("globex", "shop", null)).hasSize(2);
        assertThat(cloud.instances("acme", "shop", null)).hasSize(1);
        assertThat(cloud.instances("acme", null, "london"))
                .extracting(InstanceView::id)
                .containsExactly("blog.web.0");
    }

    @Test
    void givenANameHomedAtAnotherSiteWhenCreatingItThenItIsAConflictAndNothingIsCommitted() {
        paris.homing(anEnvironment("shop", aService("web", 1)));

        var outcome = cloud().create(anEnvironment("shop", aService("web", 3)));

        assertThat(outcome).isInstanceOf(DeployOutcome.Conflict.class);
        assertThat(((DeployOutcome.Conflict) outcome).message()).contains("shop already exists");
        assertThat(london.puts).isEmpty();
        assertThat(paris.puts).isEmpty();
    }

    @Test
    void givenTheSameNameInAnotherTenantWhenCreatingThenItIsHomedAtTheEntrySite() {
        paris.homing(inTenant("acme", anEnvironment("shop", aService("web", 1))));

        var outcome = cloud().create(anEnvironment("shop", aService("web", 3)));

        assertThat(outcome).isInstanceOfSatisfying(DeployOutcome.Created.class, c -> assertThat(
                        c.environment().homeSite())
                .isEqualTo("london"));
        assertThat(london.puts).extracting(EnvironmentSpec::name).containsExactly("shop");
    }

    @Test
    void givenAnEnvironmentHomedAtAnotherSiteWhenUpdatingThenTheChangeGoesToItsHome() {
        paris.homing(anEnvironment("shop", aService("web", 1)));

        var outcome = cloud().update(anEnvironment("shop", aService("web", 3)));

        assertThat(outcome).isInstanceOfSatisfying(DeployOutcome.Updated.class, u -> {
            assertThat(u.changedServices()).containsExactly("web");
            assertThat(u.environment().homeSite()).isEqualTo("paris");
            assertThat(u.environment().version()).isEqualTo(2);
        });
        assertThat(paris.puts).hasSize(1);
        assertThat(london.puts).isEmpty();
    }

    @Test
    void givenTheSameSpecWhenUpdatingThenItIsUnchanged() {
        var spec = anEnvironment("shop", aService("web", 1));
        paris.homing(spec);

        assertThat(cloud().update(spec)).isInstanceOf(DeployOutcome.Unchanged.class);
        assertThat(cloud().apply(spec)).isInstanceOf(DeployOutcome.Unchanged.class);
    }

    @Test
    void givenAnUnknownEnvironmentWhenUpdatingScalingOrDeletingThenItIsNotFound() {
        var cloud = cloud();

        assertThat(cloud.update(anEnvironment("ghost", aService("web", 1)))).isInstanceOf(DeployOutcome.NotFound.class);
        assertThat(cloud.scale("default", "ghost", "web", 2)).isInstanceOf(DeployOutcome.NotFound.class);
        assertThat(cloud.delete("default", "ghost")).isInstanceOf(DeployOutcome.NotFound.class);
    }

    @Test
    void givenAnEnvironmentBeingDeletedWhenUpdatingThenItIsAConflict() {
        paris.homing(anEnvironment("shop", aService("web", 1)));
        var cloud = cloud();
        assertThat(cloud.delete("default", "shop")).isInstanceOf(DeployOutcome.Updated.class);
        assertThat(paris.deletes).containsExactly("default/shop");

        var outcome = cloud.update(anEnvironment("shop", aService("web", 2)));

        assertThat(outcome).isInstanceOf(DeployOutcome.Conflict.class);
        assertThat(((DeployOutcome.Conflict) outcome).message()).contains("being deleted");
    }

    @Test
    void givenAnEnvironmentHomedAtAnotherSiteWhenScalingThenOnlyThatServiceChangesAtItsHome() {
        paris.homing(anEnvironment("shop", aService("web", 1), aService("db", 1)));
        var cloud = cloud();

        assertThat(cloud.scale("default", "shop", "web", 4)).isInstanceOf(DeployOutcome.Updated.class);
        assertThat(paris.puts.getLast().services().get("web").replicas()).isEqualTo(4);
        assertThat(paris.puts.getLast().services().get("db").replicas()).isEqualTo(1);
        assertThat(cloud.scale("default", "shop", "cache", 1))
                .isInstanceOfSatisfying(DeployOutcome.NotFound.class, n -> assertThat(n.message())
                        .contains("no service cache")
                        .contains("web, db"));
        assertThat(cloud.scale("default", "shop", "web", 1001))
                .isEqualTo(
                        new DeployOutcome.Rejected(List.of(new FieldError("replicas", "must be between 0 and 1000"))));
    }

    @Test
    void givenAReplicaHomedHereRunningOnAnotherSiteWhenOpeningItsLogThenItIsReadFromThatSiteInChunks()
            throws Exception {
        london.replicasOn = "paris";
        london.homing(anEnvironment("shop", aService("web", 1)));
        paris.running("default", "shop.web.0", "hello from paris\n");

        try (InputStream in = cloud().openLog("default", "shop.web.0", 6).orElseThrow()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from paris\n");
        }
        assertThat(paris.logChunkSizes).hasSizeGreaterThan(2).containsOnly(FederatedCloud.LOG_CHUNK_BYTES);
        assertThat(london.logChunkSizes).isEmpty();
    }

    @Test
    void givenNoSuchInstanceWhenOpeningItsLogThenThereIsNone() throws Exception {
        assertThat(cloud().openLog("default", "ghost.web.0", 0)).isEmpty();
    }

    @Test
    void givenTheHomeOfAReplicaDoesNotAnswerWhenOpeningItsLogThenTheSiteThatRunsItStillServesIt() throws Exception {
        tokyo.homing(anEnvironment("shop", aService("web", 1))).behaviour = FakeSiteShare.Behaviour.FAILS;
        paris.running("default", "shop.web.0", "still here");

        try (InputStream in = cloud().openLog("default", "shop.web.0", 0).orElseThrow()) {
            assertThat(in.readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("still here");
        }
    }

    @Test
    void givenTheEntrySiteWhenCreatingThenTheResultShowsWhatItsHomeNowHolds() {
        var outcome = (DeployOutcome.Created) cloud().create(anEnvironment("shop", aService("web", 2)));

        assertThat(outcome.environment().services())
                .extracting(EnvironmentView.ServiceStatus::name, EnvironmentView.ServiceStatus::desired)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web", 2));
        assertThat(outcome.environment().status()).isEqualTo("deploying");
    }

    // --- tenants and tokens ----------------------------------------------------------------

    private static dev.atoll.control.auth.AuthRecords aToken(String id) {
        return dev.atoll.control.auth.AuthRecords.ofToken(
                dev.atoll.control.auth.AuthRecordsTest.token(id, "acme", 0, null));
    }

    @Test
    void aNewTokenIsCommittedAtTheEntryAndSentToEveryReachableSite() {
        var cloud = cloud();
        tokyo.behaviour = FakeSiteShare.Behaviour.FAILS;

        cloud.changeAuth(aToken("t1"));

        assertThat(london.auth.token("t1")).isPresent();
        assertThat(paris.auth.token("t1")).isPresent();
        assertThat(tokyo.auth.token("t1")).isEmpty();
    }

    @Test
    void aTokenTheEntryMissedIsFoundAtAnotherSiteAndTheEntryCatchesUp() {
        var cloud = cloud();
        paris.auth.merge(aToken("t1"));

        assertThat(cloud.token("t1")).isPresent();

        assertThat(london.auth.token("t1")).isPresent();
        assertThat(tokyo.auth.token("t1")).isPresent();
        assertThat(cloud.token("nope")).isEmpty();
    }

    @Test
    void aSiteThatWasCutOffLearnsARevocationAtTheNextSync() {
        var cloud = cloud();
        cloud.changeAuth(aToken("t1"));
        tokyo.behaviour = FakeSiteShare.Behaviour.FAILS;
        var revoked = aToken("t1");
        revoked.tokens().computeIfPresent("t1", (id, t) -> t.revokedAt(Fixtures.T0.plusSeconds(60)));
        cloud.changeAuth(revoked);
        assertThat(tokyo.auth.token("t1").orElseThrow().revoked()).isFalse();

        tokyo.behaviour = FakeSiteShare.Behaviour.ANSWERS;
        cloud.syncAuth();

        assertThat(tokyo.auth.token("t1").orElseThrow().revoked()).isTrue();
    }

    @Test
    void theAuditLogOfEverySiteIsReadAsOneNewestLast() {
        var cloud = cloud();
        london.auditEntries.add(audit(2, "london", "acme"));
        paris.auditEntries.add(audit(1, "paris", "acme"));
        paris.auditEntries.add(audit(3, "paris", "globex"));

        assertThat(cloud.audit("acme", 10))
                .extracting(dev.atoll.model.auth.AuditEntry::site)
                .containsExactly("paris", "london");
        assertThat(cloud.audit(null, 2))
                .extracting(dev.atoll.model.auth.AuditEntry::tenant)
                .containsExactly("acme", "globex");
    }

    @Test
    void whenTheEntryDoesNotAnswerTokensAreCheckedAgainstTheOtherSites() {
        var cloud = cloud();
        cloud.changeAuth(aToken("t1"));
        london.behaviour = FakeSiteShare.Behaviour.NEVER_ANSWERS;

        assertThat(cloud.token("t1")).isPresent();
        assertThat(cloud.authRecords().token("t1")).isPresent();
    }

    @Test
    void whenNoSiteAnswersTokensCannotBeCheckedAndChangesAreRefusedAsUnavailable() {
        var cloud = cloud();
        for (var site : List.of(london, paris, tokyo)) site.behaviour = FakeSiteShare.Behaviour.FAILS;

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cloud.token("t1"))
                .isInstanceOf(dev.atoll.control.auth.AuthUnavailableException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cloud.changeAuth(aToken("t2")))
                .isInstanceOf(dev.atoll.control.auth.AuthUnavailableException.class);
    }

    private static dev.atoll.model.auth.AuditEntry audit(int second, String site, String tenant) {
        return new dev.atoll.model.auth.AuditEntry(
                Fixtures.T0.plusSeconds(second),
                site,
                tenant,
                "t1",
                "ci",
                "admin",
                "DELETE",
                "/v1/environments/{name}",
                "/v1/environments/x",
                202,
                "done");
    }

    @Test
    void aPreviewIsWorkedOutAtTheEntryWithTheRunningReplicasOfTheEnvironmentsHome() {
        paris.homing(anEnvironment("shop", aService("web", 2)));

        var outcome = cloud().preview(anEnvironment("shop", aService("web", 5)));

        assertThat(outcome).isInstanceOf(dev.atoll.model.view.PreviewOutcome.Previewed.class);
        assertThat(london.previews).singleElement().satisfies(asked -> {
            assertThat(asked.exists()).isTrue();
            assertThat(asked.running()).extracting(InstanceView::id).containsExactly("shop.web.0", "shop.web.1");
        });
        assertThat(paris.previews).isEmpty();
        assertThat(paris.puts).isEmpty();
        assertThat(london.puts).isEmpty();
    }

    @Test
    void aPreviewOfANewEnvironmentHasNoRunningReplicas() {
        var outcome = cloud().preview(anEnvironment("blog", aService("web", 3)));

        var preview = ((dev.atoll.model.view.PreviewOutcome.Previewed) outcome).preview();
        assertThat(preview.exists()).isFalse();
        assertThat(preview.services().getFirst().summary()).isEqualTo("3 replicas would go to london x3");
        assertThat(london.previews.getFirst().running()).isEmpty();
    }

    @Test
    void anEntryThatCannotPreviewSaysSoInsteadOfFailing() {
        var remote = new FakeSiteShare("london") {
            @Override
            public synchronized CompletableFuture<dev.atoll.model.view.PlacementPreview> previewPlacement(
                    EnvironmentSpec spec, boolean exists, List<InstanceView> running) {
                return CompletableFuture.failedFuture(
                        new UnsupportedOperationException("site london is not in this process"));
            }
        };
        var cloud = new FederatedCloud(
                remote,
                () -> List.of(remote),
                List::of,
                new EventLog(Clock.fixed(Fixtures.T0, java.time.ZoneOffset.UTC), 10),
                Duration.ofMillis(200),
                Duration.ofSeconds(2));

        assertThat(cloud.preview(anEnvironment("blog", aService("web", 1))))
                .isInstanceOfSatisfying(
                        dev.atoll.model.view.PreviewOutcome.Unavailable.class,
                        u -> assertThat(u.message()).contains("not in this process"));
    }

    @Test
    void linksAreEachSitesOwnAndASiteThatDoesNotAnswerTellsNone() {
        tokyo.behaviour = FakeSiteShare.Behaviour.NEVER_ANSWERS;

        assertThat(cloud().links())
                .extracting(dev.atoll.model.view.SiteLink::from)
                .containsExactly("london", "paris");
    }
}
