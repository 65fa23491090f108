package dev.atoll.model.instance;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** One replica as the API and CLI show it. {@code id} is {@link InstanceId#display()}. */
public record InstanceView(
        String id,
        String tenant,
        String environment,
        String service,
        String site,
        String node,
        InstanceState state,
        long generation,
        Map<String, Integer> ports,
        Optional<Long> pid,
        Optional<Instant> startedAt,
        int restarts,
        String message) {
    public InstanceView {
        ports = Map.copyOf(ports);
    }
}
