package dev.atoll.control.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.federation.NodeClaim;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeClaimsTest {
    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-07T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private final NodeClaims claims = new NodeClaims(clock);

    @Test
    void aNodeHeldByOnePartitionIsRefusedToAnotherNamingItsHolder() {
        assertThat(claims.hold("overload:london/n1", List.of("paris/n1", "paris/n2"), 10_000)
                        .granted())
                .isTrue();

        NodeClaim.Answer answer = claims.hold("overload:rome/n3", List.of("paris/n3", "paris/n2"), 10_000);

        assertThat(answer.granted()).isFalse();
        assertThat(answer.reason()).isEqualTo("paris/n2 is held by overload:london/n1");
        assertThat(claims.current().owners())
                .as("a refused claim holds none of its nodes")
                .isEqualTo(Map.of("paris/n1", "overload:london/n1", "paris/n2", "overload:london/n1"));
    }

    @Test
    void theSameOwnerMayHoldMoreAndItsHoldLastsUntilItsLongestTime() {
        claims.hold("overload:london/n1", List.of("paris/n1"), 10_000);
        assertThat(claims.hold("overload:london/n1", List.of("paris/n1", "paris/n2"), 20_000)
                        .granted())
                .isTrue();

        clock.now = clock.now.plus(Duration.ofSeconds(15));

        assertThat(claims.current().owners()).containsOnlyKeys("paris/n1", "paris/n2");
    }

    @Test
    void aHoldEndsWhenReleasedOrWhenItsTimeIsUp() {
        claims.hold("overload:london/n1", List.of("paris/n1"), 10_000);
        claims.hold("overload:rome/n3", List.of("paris/n2"), 30_000);

        claims.release("overload:london/n1");
        assertThat(claims.current().owners()).isEqualTo(Map.of("paris/n2", "overload:rome/n3"));

        clock.now = clock.now.plus(Duration.ofSeconds(30));
        assertThat(claims.current().owners()).isEmpty();
        assertThat(claims.hold("overload:london/n1", List.of("paris/n2"), 1_000).granted())
                .isTrue();
    }
}
