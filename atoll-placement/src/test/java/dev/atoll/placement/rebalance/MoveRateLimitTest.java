package dev.atoll.placement.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.placement.Assignment;
import java.util.List;
import org.junit.jupiter.api.Test;

class MoveRateLimitTest {
    static Move move(int index, String from, String to) {
        return new Move(
                new InstanceId("acme", "shop", "web", index),
                RebalanceFixtures.assignment(from),
                RebalanceFixtures.assignment(to),
                "test");
    }

    static final Move A = move(0, "london/n1", "london/n2");
    static final Move B = move(1, "london/n3", "london/n4");
    static final Move C = move(2, "london/n5", "london/n6");

    @Test
    void noMoreMovesStartThanMayBeInFlight() {
        var limit = new MoveRateLimit(2, 10, 60_000);

        assertThat(limit.admit(List.of(A, B, C), List.of(), List.of(), 0)).containsExactly(A, B);
        assertThat(limit.admit(List.of(B, C), List.of(A), List.of(0L), 0)).containsExactly(B);
    }

    @Test
    void noMoreMovesStartInAWindowThanItAllows() {
        var limit = new MoveRateLimit(5, 2, 60_000);

        assertThat(limit.admit(List.of(C), List.of(), List.of(10_000L, 20_000L), 30_000))
                .isEmpty();
        assertThat(limit.admit(List.of(C), List.of(), List.of(10_000L, 20_000L), 70_001))
                .containsExactly(C);
    }

    @Test
    void aMoveIntoRoomAnEarlierMoveFreesWaitsForIt() {
        var limit = new MoveRateLimit(5, 10, 60_000);
        Move intoN1 = move(3, "london/n7", "london/n1");

        assertThat(limit.admit(List.of(A, intoN1, B), List.of(), List.of(), 0)).containsExactly(A, B);
        assertThat(limit.admit(List.of(intoN1, B), List.of(A), List.of(0L), 0)).containsExactly(B);
        assertThat(limit.admit(List.of(intoN1), List.of(), List.of(0L), 0)).containsExactly(intoN1);
    }

    @Test
    void movesOutOfOneNodeOrIntoOneNodeRunSideBySide() {
        var limit = new MoveRateLimit(5, 10, 60_000);
        Move alsoFromN1 = move(4, "london/n1", "london/n3");
        Move alsoIntoN2 = move(5, "london/n8", "london/n2");

        assertThat(limit.admit(List.of(A, alsoFromN1, alsoIntoN2), List.of(), List.of(), 0))
                .containsExactly(A, alsoFromN1, alsoIntoN2);
    }

    @Test
    void anInstanceMovesOnceAtATime() {
        var limit = new MoveRateLimit(5, 10, 60_000);
        Move aAgain = move(0, "london/n2", "london/n9");

        assertThat(limit.admit(List.of(aAgain), List.of(A), List.of(0L), 0)).isEmpty();
    }

    @Test
    void aMoveToAWholeSiteTouchesOnlyItsSource() {
        var limit = new MoveRateLimit(5, 10, 60_000);
        Move toParis = new Move(
                new InstanceId("acme", "shop", "web", 9),
                RebalanceFixtures.assignment("london/n9"),
                new Assignment("paris", null),
                "test");

        assertThat(limit.admit(List.of(toParis, A), List.of(), List.of(), 0)).containsExactly(toParis, A);
    }
}
