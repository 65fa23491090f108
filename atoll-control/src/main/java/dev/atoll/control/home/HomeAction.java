package dev.atoll.control.home;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.ServiceSpec;
import java.util.Optional;

/** What the home site should do next for one of its environments. */
public sealed interface HomeAction {
    /**
     * Find a site for replica {@code id} and reserve it there at {@code generation}. For a rolling
     * update {@code replacing} names the site and generation of the copy it supersedes: that site is
     * tried first, and the old copy is released if the new one lands elsewhere.
     */
    record Place(
            InstanceId id,
            long generation,
            ServiceSpec service,
            long templateVersion,
            int replicasStillToPlace,
            Optional<Placed> replacing)
            implements HomeAction {}

    /** Stop a replica that is no longer wanted, then forget its placement. */
    record Release(InstanceId id, String site, long generation) implements HomeAction {}

    /**
     * Stop a copy the home no longer counts on: superseded by a newer generation elsewhere (a site
     * back from a partition), or left over after its placement was forgotten. The placement stays.
     */
    record ReleaseStale(InstanceId id, String site, long generation) implements HomeAction {}

    /** Every replica of a deleted environment is gone: forget it. */
    record Forget(String tenant, String name) implements HomeAction {}

    record Placed(String site, long generation) {}
}
