package dev.atoll.placement.rebalance.optimizer;

import ai.timefold.solver.core.api.domain.solution.PlanningEntityCollectionProperty;
import ai.timefold.solver.core.api.domain.solution.PlanningScore;
import ai.timefold.solver.core.api.domain.solution.PlanningSolution;
import ai.timefold.solver.core.api.domain.solution.ProblemFactCollectionProperty;
import ai.timefold.solver.core.api.domain.valuerange.ValueRangeProvider;
import ai.timefold.solver.core.api.score.HardMediumSoftScore;
import java.util.List;

/** The planning solution: nodes to choose from, instances to place, and the score. */
@PlanningSolution
public class RebalanceProblem {
    @ProblemFactCollectionProperty
    @ValueRangeProvider
    private List<HostSlot> nodes;

    @PlanningEntityCollectionProperty
    private List<InstanceVariable> instances;

    @PlanningScore
    private HardMediumSoftScore score;

    public RebalanceProblem() {}

    public RebalanceProblem(List<HostSlot> nodes, List<InstanceVariable> instances) {
        this.nodes = nodes;
        this.instances = instances;
    }

    public List<HostSlot> getNodes() {
        return nodes;
    }

    public void setNodes(List<HostSlot> nodes) {
        this.nodes = nodes;
    }

    public List<InstanceVariable> getInstances() {
        return instances;
    }

    public void setInstances(List<InstanceVariable> instances) {
        this.instances = instances;
    }

    public HardMediumSoftScore getScore() {
        return score;
    }

    public void setScore(HardMediumSoftScore score) {
        this.score = score;
    }
}
