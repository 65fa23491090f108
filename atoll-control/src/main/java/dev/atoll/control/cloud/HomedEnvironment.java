package dev.atoll.control.cloud;

import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.view.EnvironmentView;
import java.util.List;

/**
 * An environment as its home shows it, with every replica it wants (running, pending or
 * unplaceable), sorted by service and index. Not to be confused with the replicated record
 * {@code SiteState.HomedEnvironment} this is built from.
 */
public record HomedEnvironment(EnvironmentView environment, List<InstanceView> instances) {
    public HomedEnvironment {
        instances = List.copyOf(instances);
    }
}
