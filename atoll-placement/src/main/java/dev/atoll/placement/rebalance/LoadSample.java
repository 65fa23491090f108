package dev.atoll.placement.rebalance;

import dev.atoll.model.Resources;
import java.util.Objects;

/**
 * What a node's agent measured in use at one moment (cpu in millicores busy, memory in bytes
 * resident), as opposed to what is allocated on it.
 *
 * @param nodeId {@code site/node}
 * @param atMillis when, on the clock of whoever collects the samples (virtual in the simulator)
 */
public record LoadSample(String nodeId, long atMillis, Resources used) {
    public LoadSample {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(used, "used");
    }
}
