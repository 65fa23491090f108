package dev.atoll.placement.rebalance.optimizer;

import ai.timefold.solver.core.api.domain.common.PlanningId;
import ai.timefold.solver.core.api.domain.entity.PlanningEntity;
import ai.timefold.solver.core.api.domain.entity.PlanningPin;
import ai.timefold.solver.core.api.domain.variable.PlanningVariable;

/**
 * One instance: the planning entity, its node the planning variable. Instances outside the
 * optimizer's scope are pinned where they run (they still count for capacity, anti-affinity and
 * spread). {@code original} is where it runs now, so staying is allowed (unless that node is being
 * drained) and moving costs. An instance on a draining node starts without a node, for the
 * construction heuristic to place it where it fits best before the local search improves the rest.
 */
@PlanningEntity
public class InstanceVariable {
    @PlanningId
    private int id;

    private ServiceRules service;
    private long cpuMillis;
    private long memoryBytes;
    private long usedCpuMillis;
    private long usedMemoryBytes;
    private HostSlot original;
    private long moveCost;
    private boolean onClosedNode;

    @PlanningPin
    private boolean pinned;

    @PlanningVariable
    private HostSlot node;

    public InstanceVariable() {}

    public InstanceVariable(
            int id,
            ServiceRules service,
            long cpuMillis,
            long memoryBytes,
            long usedCpuMillis,
            long usedMemoryBytes,
            HostSlot original,
            long moveCost,
            boolean onClosedNode,
            boolean pinned) {
        this.id = id;
        this.service = service;
        this.cpuMillis = cpuMillis;
        this.memoryBytes = memoryBytes;
        this.usedCpuMillis = usedCpuMillis;
        this.usedMemoryBytes = usedMemoryBytes;
        this.original = original;
        this.moveCost = moveCost;
        this.onClosedNode = onClosedNode;
        this.pinned = pinned;
        this.node = onClosedNode ? null : original;
    }

    /** Where it may go: allowed for its service, or where it already is unless that is draining. */
    public boolean allowedOn(HostSlot slot) {
        return (slot == original && !onClosedNode) || service.allows(slot);
    }

    public int getId() {
        return id;
    }

    public void setId(int id) {
        this.id = id;
    }

    public ServiceRules getService() {
        return service;
    }

    public void setService(ServiceRules service) {
        this.service = service;
    }

    public long getCpuMillis() {
        return cpuMillis;
    }

    public void setCpuMillis(long cpuMillis) {
        this.cpuMillis = cpuMillis;
    }

    public long getMemoryBytes() {
        return memoryBytes;
    }

    public void setMemoryBytes(long memoryBytes) {
        this.memoryBytes = memoryBytes;
    }

    public long getUsedCpuMillis() {
        return usedCpuMillis;
    }

    public void setUsedCpuMillis(long usedCpuMillis) {
        this.usedCpuMillis = usedCpuMillis;
    }

    public long getUsedMemoryBytes() {
        return usedMemoryBytes;
    }

    public void setUsedMemoryBytes(long usedMemoryBytes) {
        this.usedMemoryBytes = usedMemoryBytes;
    }

    public HostSlot getOriginal() {
        return original;
    }

    public void setOriginal(HostSlot original) {
        this.original = original;
    }

    public long getMoveCost() {
        return moveCost;
    }

    public void setMoveCost(long moveCost) {
        this.moveCost = moveCost;
        this.onClosedNode = onClosedNode;
    }

    /** Whether it sits on its original node and that node is closed (being drained). */
    public boolean stuckOnClosedNode() {
        return onClosedNode && node == original;
    }

    public boolean isOnClosedNode() {
        return onClosedNode;
    }

    public void setOnClosedNode(boolean onClosedNode) {
        this.onClosedNode = onClosedNode;
    }

    public boolean isPinned() {
        return pinned;
    }

    public void setPinned(boolean pinned) {
        this.pinned = pinned;
    }

    public HostSlot getNode() {
        return node;
    }

    public void setNode(HostSlot node) {
        this.node = node;
    }
}
