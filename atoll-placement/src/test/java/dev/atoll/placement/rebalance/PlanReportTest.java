package dev.atoll.placement.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.instance.InstanceId;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanReportTest {
    static final ObjectiveScore BEFORE = new ObjectiveScore(0, 0, 3, 126, 1, 420, 0);
    static final ObjectiveScore AFTER = new ObjectiveScore(0, 0, 0, 10, 0, 320, 2);

    @Test
    void aPlanShowsEachTermBeforeAndAfterThenItsMovesInOrder() {
        var plan = new Plan(
                List.of(
                        new Move(
                                new InstanceId("acme", "shop", "web", 0),
                                RebalanceFixtures.assignment("new-york/n1"),
                                RebalanceFixtures.assignment("paris/n1"),
                                "optimizer"),
                        new Move(
                                new InstanceId("acme", "shop", "web", 1),
                                RebalanceFixtures.assignment("new-york/n2"),
                                RebalanceFixtures.assignment("paris/n1"),
                                "optimizer")),
                BEFORE,
                AFTER,
                ObjectiveWeights.DEFAULT);

        assertThat(PlanReport.render(plan)).isEqualTo("""
                        TERM               BEFORE  AFTER  WEIGHT
                        hard violations    0       0      -
                        draining           0       0      -
                        overload           3       0      -
                        user latency (ms)  126     10     1
                        spread             1       0      20
                        energy             420     320    1
                        moves              0       2      20
                        weighted soft      566     370    -

                        #  INSTANCE    FROM         TO
                        1  shop.web.0  new-york/n1  paris/n1
                        2  shop.web.1  new-york/n2  paris/n1
                        """);
    }

    @Test
    void anEmptyPlanSaysThereIsNothingToDo() {
        var plan = new Plan(List.of(), BEFORE, BEFORE, ObjectiveWeights.DEFAULT);

        assertThat(PlanReport.render(plan))
                .endsWith("No moves: the placement is as good as the optimizer can make it.\n");
    }

    @Test
    void aPlanSaysHowManyReplicasElsewhereItCountedWithoutMovingThem() {
        var plan = new Plan(List.of(), BEFORE, BEFORE, ObjectiveWeights.DEFAULT, 4);

        assertThat(PlanReport.render(plan))
                .contains("weighted soft      566     566    -\n"
                        + "Counted beside these, never moved: 4 replicas of the same services elsewhere.\n");
    }
}
