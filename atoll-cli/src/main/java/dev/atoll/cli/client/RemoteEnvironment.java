package dev.atoll.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.atoll.model.view.EnvironmentView.ServiceStatus;
import java.time.Instant;
import java.util.List;

/**
 * An environment as GET /v1/environments returns it. Unlike {@code EnvironmentView}, the spec is
 * kept as the tree the API sends, in the user's own format: the CLI only shows parts of it, and
 * reading it this way does not depend on the spec parser accepting every field.
 */
public record RemoteEnvironment(
        String name,
        String tenant,
        String homeSite,
        long version,
        String status,
        Instant createdAt,
        Instant updatedAt,
        List<ServiceStatus> services,
        JsonNode spec) {

    public RemoteEnvironment {
        services = services == null ? List.of() : List.copyOf(services);
        spec = spec == null ? MissingNode.getInstance() : spec;
    }

    public int desiredReplicas() {
        return services.stream().mapToInt(ServiceStatus::desired).sum();
    }

    public int runningReplicas() {
        return services.stream().mapToInt(ServiceStatus::running).sum();
    }

    /** Every replica of every service runs the current spec: what "deployed" means to a user. */
    public boolean isReady() {
        return "ready".equals(status)
                && services.stream().allMatch(s -> s.running() == s.desired() && s.updated() == s.desired());
    }
}
