package dev.atoll.model.instance;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One replica as the API and CLI show it. {@code id} is {@link InstanceId#display()}; {@code
 * addresses} are its addresses on its tenant networks, by network.
 */
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
        String message,
        Map<String, String> addresses) {
    public InstanceView {
        ports = Map.copyOf(ports);
        addresses = addresses == null ? Map.of() : Map.copyOf(addresses);
    }

    /** A replica on no tenant network. */
    public InstanceView(
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
        this(
                id,
                tenant,
                environment,
                service,
                site,
                node,
                state,
                generation,
                ports,
                pid,
                startedAt,
                restarts,
                message,
                Map.of());
    }
}
