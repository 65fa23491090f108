package dev.atoll.control.cloud;

import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.view.EnvironmentView;
import java.util.List;

/**
 * An environment as its home shows it, with every replica it wants (running, pending or
 * unplaceable), sorted by service and index. Not to be confused with the replicated record
 * {@code SiteState.HomedEnvironment} this is built from. {@code homeEpoch} rises with every
 * adoption: when an old home and its successor both answer (after a partition heals, before the
 * old one learns it was superseded), the higher epoch is the home.
 */
public record HomedEnvironment(EnvironmentView environment, List<InstanceView> instances, long homeEpoch) {
    public HomedEnvironment {
        instances = List.copyOf(instances);
    }

    /** Homed by the site that created it (epoch 1: no adoption yet). */
    public HomedEnvironment(EnvironmentView environment, List<InstanceView> instances) {
        this(environment, instances, 1);
    }
}
