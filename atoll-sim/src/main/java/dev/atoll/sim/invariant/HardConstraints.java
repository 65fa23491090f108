package dev.atoll.sim.invariant;

import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.LatencyModel;
import java.util.Optional;

/**
 * The hard constraints of a service, checked on where a replica actually runs, independently of
 * the placement code that chose it: the driver, jurisdictions, countries, pinned and avoided
 * sites, required tags, and a user region's latency bound (by the same estimate placement uses).
 */
public final class HardConstraints {
    private HardConstraints() {}

    /** Why running {@code service} on {@code node} at {@code site} breaks a hard constraint, if it does. */
    public static Optional<String> broken(ServiceSpec service, SiteInfo site, NodeInfo node) {
        PlacementIntent p = service.placement();
        if (!node.drivers().contains(service.driver().wireName())) {
            return Optional.of(
                    "node " + node.id() + " has no " + service.driver().wireName() + " driver");
        }
        if (!p.jurisdictions().isEmpty() && !p.jurisdictions().contains(site.jurisdiction())) {
            return Optional.of("site " + site.name() + " is in jurisdiction " + site.jurisdiction() + ", not in "
                    + new java.util.TreeSet<>(p.jurisdictions()));
        }
        if (!p.countries().isEmpty() && !p.countries().contains(site.country())) {
            return Optional.of("site " + site.name() + " is in " + site.country() + ", not in "
                    + new java.util.TreeSet<>(p.countries()));
        }
        if (!p.sites().isEmpty() && !p.sites().contains(site.name())) {
            return Optional.of("site " + site.name() + " is not one of the pinned sites");
        }
        if (p.avoidSites().contains(site.name())) {
            return Optional.of("site " + site.name() + " is to be avoided");
        }
        // Sorted: the JDK's sets iterate in an order salted per JVM, and a violation names one tag.
        for (String tag : new java.util.TreeSet<>(p.requireTags())) {
            if (!node.tags().contains(tag) && !site.tags().contains(tag)) {
                return Optional.of("node " + node.id() + " lacks required tag " + tag);
            }
        }
        for (PlacementIntent.UserRegion region : p.nearUsers()) {
            if (region.maxLatencyMs().isEmpty()) continue;
            double rtt = LatencyModel.estimateRttMs(site.location(), region.location());
            if (rtt > region.maxLatencyMs().get()) {
                return Optional.of(String.format(
                        java.util.Locale.ROOT,
                        "site %s is %.1f ms from users %s, over their bound of %d ms",
                        site.name(),
                        rtt,
                        region.name(),
                        region.maxLatencyMs().get()));
            }
        }
        return Optional.empty();
    }
}
