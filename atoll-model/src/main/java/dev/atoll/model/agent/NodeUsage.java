package dev.atoll.model.agent;

import dev.atoll.model.Resources;
import java.util.Objects;

/**
 * What a node's agent measured in use with a heartbeat: cpu in millicores busy and memory in bytes
 * resident, as opposed to what is allocated on it. The site stamps it with its own clock when it
 * arrives (agents' clocks are not trusted for ordering).
 */
public record NodeUsage(Resources used) {
    public NodeUsage {
        Objects.requireNonNull(used, "used");
    }
}
