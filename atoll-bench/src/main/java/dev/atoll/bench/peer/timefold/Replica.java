package dev.atoll.bench.peer.timefold;

import ai.timefold.solver.core.api.domain.common.PlanningId;
import ai.timefold.solver.core.api.domain.entity.PlanningEntity;
import ai.timefold.solver.core.api.domain.variable.PlanningVariable;

/** One instance to place: the planning entity, its node the planning variable (none = unplaced). */
@PlanningEntity
public class Replica {
    @PlanningId
    private int id;

    private ServiceFacts service;

    @PlanningVariable(allowsUnassigned = true)
    private HostNode node;

    public Replica() {}

    public Replica(int id, ServiceFacts service) {
        this.id = id;
        this.service = service;
    }

    public int getId() {
        return id;
    }

    public void setId(int id) {
        this.id = id;
    }

    public void setService(ServiceFacts service) {
        this.service = service;
    }

    public ServiceFacts getService() {
        return service;
    }

    public HostNode getNode() {
        return node;
    }

    public void setNode(HostNode node) {
        this.node = node;
    }
}
