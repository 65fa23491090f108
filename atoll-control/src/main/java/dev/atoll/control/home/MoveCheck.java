package dev.atoll.control.home;

import dev.atoll.model.spec.FieldError;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.NodeCapacity;
import dev.atoll.placement.SiteDecision;
import dev.atoll.placement.SiteRequest;
import dev.atoll.placement.SiteSelector;
import dev.atoll.placement.SiteSummary;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a replica may move to a destination, before anything is recorded: the destination must be
 * a live site (and a node of it that takes replicas), differ from where the replica runs, hold every
 * hard constraint of the service (jurisdiction, pinned sites, tags, spread) and have room. A pure
 * function of what the home knows; the same placement filters as a deploy decide.
 */
public final class MoveCheck {
    private MoveCheck() {}

    /**
     * @param from where the replica runs now (site, and node where known)
     * @param to the destination; a null node lets the destination site choose
     * @param replicasPerSite the service's other replicas per site (for spread)
     * @return why the move cannot go there (the field is {@code to.site} or {@code to.node}), or empty
     */
    public static Optional<FieldError> check(
            ServiceSpec service,
            Assignment from,
            Assignment to,
            List<SiteSummary> summaries,
            Set<String> deadSites,
            Map<String, Integer> replicasPerSite,
            LatencyModel latency,
            long seed) {
        SiteSummary target = summaries.stream()
                .filter(s -> s.name().equals(to.site()))
                .findFirst()
                .orElse(null);
        if (target == null) {
            return Optional.of(new FieldError(
                    "to.site",
                    "no site \"" + to.site() + "\" (sites: "
                            + String.join(
                                    ", ",
                                    summaries.stream()
                                            .map(SiteSummary::name)
                                            .sorted()
                                            .toList()) + ")"));
        }
        if (deadSites.contains(to.site()) || !target.healthy()) {
            return Optional.of(new FieldError("to.site", "site " + to.site() + " is not reachable now"));
        }
        boolean sameSite = to.site().equals(from.site());
        List<NodeCapacity> nodes = target.nodes();
        if (to.node() != null) {
            NodeCapacity node = nodes.stream()
                    .filter(n -> n.name().equals(to.node()))
                    .findFirst()
                    .orElse(null);
            if (node == null) {
                return Optional.of(new FieldError(
                        "to.node",
                        "site " + to.site() + " has no node \"" + to.node() + "\" (nodes: "
                                + String.join(
                                        ", ",
                                        nodes.stream()
                                                .map(NodeCapacity::name)
                                                .sorted()
                                                .toList()) + ")"));
            }
            if (sameSite && to.node().equals(from.node())) {
                return Optional.of(
                        new FieldError("to.node", "the instance already runs on " + to.site() + "/" + to.node()));
            }
            if (!node.ready()) {
                return Optional.of(
                        new FieldError("to.node", "node " + to.node() + " takes no replicas now (down, or draining)"));
            }
            nodes = List.of(node);
        } else if (sameSite) {
            // Within its own site a replica goes to another node than its own.
            nodes = nodes.stream().filter(n -> !n.name().equals(from.node())).toList();
            if (nodes.isEmpty()) {
                return Optional.of(new FieldError(
                        "to.site", "site " + to.site() + " has no other node than the one the instance runs on"));
            }
        }
        var request = new SiteRequest(
                service,
                List.of(new SiteSummary(target.site(), target.healthy(), nodes)),
                replicasPerSite,
                1,
                Set.of(),
                latency,
                seed);
        if (SiteSelector.select(request) instanceof SiteDecision.NoSite(var why)) {
            return Optional.of(new FieldError(to.node() != null ? "to.node" : "to.site", why.toString()));
        }
        return Optional.empty();
    }
}
