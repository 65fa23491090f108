package dev.atoll.bench.peer.timefold;

import ai.timefold.solver.core.api.domain.solution.PlanningEntityCollectionProperty;
import ai.timefold.solver.core.api.domain.solution.PlanningScore;
import ai.timefold.solver.core.api.domain.solution.PlanningSolution;
import ai.timefold.solver.core.api.domain.solution.ProblemFactCollectionProperty;
import ai.timefold.solver.core.api.domain.valuerange.ValueRangeProvider;
import ai.timefold.solver.core.api.score.HardMediumSoftScore;
import java.util.List;

/** The planning solution: nodes to choose from, users to serve, replicas to place, and the score. */
@PlanningSolution
public class NodePlan {
    @ProblemFactCollectionProperty
    @ValueRangeProvider
    private List<HostNode> nodes;

    @ProblemFactCollectionProperty
    private List<UserDemand> users;

    @PlanningEntityCollectionProperty
    private List<Replica> replicas;

    @PlanningScore
    private HardMediumSoftScore score;

    public NodePlan() {}

    public NodePlan(List<HostNode> nodes, List<UserDemand> users, List<Replica> replicas) {
        this.nodes = nodes;
        this.users = users;
        this.replicas = replicas;
    }

    public List<HostNode> getNodes() {
        return nodes;
    }

    public List<UserDemand> getUsers() {
        return users;
    }

    public List<Replica> getReplicas() {
        return replicas;
    }

    public void setNodes(List<HostNode> nodes) {
        this.nodes = nodes;
    }

    public void setUsers(List<UserDemand> users) {
        this.users = users;
    }

    public void setReplicas(List<Replica> replicas) {
        this.replicas = replicas;
    }

    public HardMediumSoftScore getScore() {
        return score;
    }

    public void setScore(HardMediumSoftScore score) {
        this.score = score;
    }
}
