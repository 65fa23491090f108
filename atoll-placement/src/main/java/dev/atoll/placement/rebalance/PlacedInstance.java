package dev.atoll.placement.rebalance;

import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.placement.Assignment;
import java.util.Objects;

/** One replica where it runs now, with the spec of its service (for its size and its constraints). */
public record PlacedInstance(InstanceId id, ServiceSpec service, Assignment at) {
    public PlacedInstance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(at.node(), "at.node");
    }

    public Resources resources() {
        return service.resources();
    }

    /** Replicas of one service share it: tenant, environment and service name. */
    public String serviceKey() {
        return serviceKey(id);
    }

    public static String serviceKey(InstanceId id) {
        return id.tenant() + "/" + id.environment() + "." + id.service();
    }

    public String nodeId() {
        return at.site() + "/" + at.node();
    }

    public PlacedInstance movedTo(Assignment to) {
        return new PlacedInstance(id, service, to);
    }
}
