package dev.atoll.control.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The directory's own rules (debounce, staleness, who is dead) over an in-memory membership. */
class SiteDirectoryRulesTest {
    private static final SiteDirectory.Settings SETTINGS =
            new SiteDirectory.Settings(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(30));

    private final MovableClock clock = new MovableClock();
    private final FakeMembership membership = new FakeMembership("london");
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final SiteDirectory directory = SiteDirectory.open(membership, clock, scheduler, SETTINGS);

    @AfterEach
    void stop() {
        directory.close();
        scheduler.shutdownNow();
    }

    private static SiteCard card(String site, int instances) {
        return GossipCloud.aCard(site).withSequence(0).withInstances(instances);
    }

    @Test
    void aBurstOfCardsGoesOutAsTheFirstAndThenOnlyTheNewest() {
        directory.publish(card("london", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> membership.published.size() == 1);

        directory.publish(card("london", 2));
        directory.publish(card("london", 3));
        directory.publish(card("london", 4));

        await().atMost(Duration.ofSeconds(5)).until(() -> membership.published.size() == 2);
        assertThat(membership.published).extracting(SiteCard::instances).containsExactly(1, 4);
    }

    @Test
    void aSiteWhoseCardIsNotRefreshedIsDeadUntilAFreshCardArrives() {
        membership.join(card("paris", 0));
        assertThat(directory.deadSites()).isEmpty();

        clock.advance(Duration.ofSeconds(31));

        assertThat(directory.deadSites()).containsExactly("paris");
        assertThat(directory.summaries())
                .filteredOn(s -> s.name().equals("paris"))
                .singleElement()
                .satisfies(s -> assertThat(s.healthy()).isFalse());
        // This site's own card never goes stale here.
        assertThat(directory.summaries())
                .filteredOn(s -> s.name().equals("london"))
                .singleElement()
                .satisfies(s -> assertThat(s.healthy()).isTrue());

        membership.update(card("paris", 1).withSequence(2));

        assertThat(directory.deadSites()).isEmpty();
    }

    @Test
    void aSiteThatLeftOrDiedIsDeadAndComesBackWhenItJoinsAgain() {
        membership.join(card("paris", 0));
        membership.join(card("berlin", 0));

        membership.emit(new MembershipEvent.Left("paris"));
        membership.emit(new MembershipEvent.Dead("berlin"));
        membership.emit(new MembershipEvent.Suspected("london"));

        assertThat(directory.deadSites()).containsExactly("berlin", "paris");
        assertThat(directory.siteNames()).containsExactly("berlin", "london", "paris");

        membership.join(card("berlin", 0));

        assertThat(directory.deadSites()).containsExactly("paris");
    }

    @Test
    void wireAddressesThatAreNotHostAndPortAreSkipped() {
        var base = card("paris", 0);
        membership.join(new SiteCard(
                "paris",
                base.info(),
                base.apiUrl(),
                List.of("127.0.0.1:7000", "nonsense", "host:99999", "[::1]:7001", "paris.example:7002"),
                base.freeCapacity(),
                0,
                "ok",
                "0.1.0",
                1));

        assertThat(directory.wireAddresses("paris"))
                .extracting(a -> a.getHostString() + ":" + a.getPort())
                .containsExactly("127.0.0.1:7000", "0:0:0:0:0:0:0:1:7001", "paris.example:7002");
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-23T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Membership in memory: events are emitted by the test. */
    private static final class FakeMembership implements Membership {
        final String self;
        final Map<String, SiteCard> members = new ConcurrentHashMap<>();
        final List<SiteCard> published = new CopyOnWriteArrayList<>();
        final List<Consumer<MembershipEvent>> listeners = new CopyOnWriteArrayList<>();

        FakeMembership(String self) {
            this.self = self;
            members.put(self, card(self, 0));
        }

        void join(SiteCard card) {
            members.put(card.site(), card);
            emit(new MembershipEvent.Joined(card));
        }

        void update(SiteCard card) {
            members.put(card.site(), card);
            emit(new MembershipEvent.Updated(card));
        }

        void emit(MembershipEvent event) {
            if (event instanceof MembershipEvent.Left || event instanceof MembershipEvent.Dead) {
                members.remove(event.site());
            }
            listeners.forEach(l -> l.accept(event));
        }

        @Override
        public String self() {
            return self;
        }

        @Override
        public Map<String, SiteCard> members() {
            return Map.copyOf(members);
        }

        @Override
        public void publish(SiteCard mine) {
            published.add(mine);
            members.put(self, mine);
        }

        @Override
        public AutoCloseable onChange(Consumer<MembershipEvent> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public void close() {}
    }
}
