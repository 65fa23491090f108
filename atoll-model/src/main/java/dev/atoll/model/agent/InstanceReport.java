package dev.atoll.model.agent;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What a node agent observed about one replica; sent to the site leader when it changes. */
public record InstanceReport(
        InstanceId id,
        long generation,
        InstanceState state,
        Map<String, Integer> ports,
        Optional<Long> pid,
        Optional<Instant> startedAt,
        int restarts,
        String message) {
    public InstanceReport {
        ports = Map.copyOf(ports);
    }
}
