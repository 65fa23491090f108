package dev.atoll.sim.scenario;

import dev.atoll.model.spec.EnvironmentSpec;
import java.time.Duration;
import java.util.Set;

/** One thing that happens to the simulated cloud at a simulated time since the start. */
public sealed interface TimedAction {
    Duration at();

    /** A user submits {@code spec} to {@code homeSite} (the site nearest them). */
    record Deploy(Duration at, EnvironmentSpec spec, String homeSite) implements TimedAction {}

    /** A user deletes an environment (its lifetime ended). */
    record Delete(Duration at, String tenant, String environment) implements TimedAction {}

    /** A node's agent dies with everything on it. */
    record CrashNode(Duration at, String site, String node) implements TimedAction {}

    /** A crashed node comes back, empty. */
    record RestoreNode(Duration at, String site, String node) implements TimedAction {}

    /** A whole site goes dark: controller and every node. */
    record CrashSite(Duration at, String site) implements TimedAction {}

    /** A crashed site comes back with its Raft log; its nodes come back empty. */
    record RestoreSite(Duration at, String site) implements TimedAction {}

    /** {@code sites} are cut off from every other site (a site or a region); each side runs on. */
    record Partition(Duration at, Set<String> sites) implements TimedAction {}

    /** The partition of {@code sites} heals. */
    record Heal(Duration at, Set<String> sites) implements TimedAction {}

    /** Messages between two sites take {@code extraMillis} longer each way, until restored. */
    record SlowLink(Duration at, String siteA, String siteB, long extraMillis) implements TimedAction {}

    /** The link between two sites is back to its normal delay. */
    record RestoreLink(Duration at, String siteA, String siteB) implements TimedAction {}

    /** The site's controller restarts: its soft state is lost, its Raft log kept. */
    record RestartController(Duration at, String site) implements TimedAction {}

    /**
     * A user moves one instance ({@code atoll move}) to {@code toSite}, and {@code toNode} when not
     * null: the environment's home checks and records the move, and carries it out.
     */
    record MoveInstance(Duration at, dev.atoll.model.instance.InstanceId id, String toSite, String toNode)
            implements TimedAction {}

    /** An operator drains a node ({@code atoll drain}), or takes it back when not {@code draining}. */
    record DrainNode(Duration at, String site, String node, boolean draining) implements TimedAction {}

    /**
     * The sim driver of {@code site/node} reports {@code factor} times the usual cpu use for its
     * replicas from now on (1 ends the hot spot).
     */
    record HotSpot(Duration at, String site, String node, double factor) implements TimedAction {}
}
