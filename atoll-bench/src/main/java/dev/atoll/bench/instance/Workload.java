package dev.atoll.bench.instance;

import dev.atoll.model.spec.ServiceSpec;
import java.util.List;

/**
 * One service to place and the people who use it.
 *
 * @param users the regions of {@code service}'s {@code nearUsers}, in the same order, with their
 *     populations; the quality figure "mean user latency" is weighted by them
 */
public record Workload(ServiceSpec service, List<UserPopulation> users) {
    public Workload {
        users = List.copyOf(users);
        if (!service.placement()
                .nearUsers()
                .equals(users.stream().map(UserPopulation::region).toList())) {
            throw new IllegalArgumentException("users of " + service.name() + " must be its nearUsers, in order");
        }
    }
}
