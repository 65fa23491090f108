package dev.atoll.control.home;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.view.PlacementPreview;
import dev.atoll.model.view.PlacementPreview.ServicePreview;
import dev.atoll.model.view.PlacementPreview.SiteCount;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.CloudCapacity;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.PlacementResult;
import dev.atoll.placement.Placer;
import dev.atoll.placement.SiteSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a spec's replicas would go if this site homed it now: both levels of the real placement
 * (the home's {@code SiteSelector} on the summaries, each target's {@code NodeSelector}) run by the
 * {@link Placer} over a copy of the cloud made from the summaries, so nothing is reserved and no
 * site is asked. Services are placed in spec order on the same copy, so a later service sees the
 * room the earlier ones took, as a real deploy would.
 *
 * <p>Replicas that run already stay where they are (a deploy only places the ones it adds; a
 * changed template replaces replicas on their own sites), and count for spread and anti-affinity.
 */
public final class PlacementForecast {
    private PlacementForecast() {}

    public static PlacementPreview of(
            EnvironmentSpec spec,
            boolean exists,
            List<InstanceView> running,
            List<SiteSummary> summaries,
            LatencyModel latency,
            long seed) {
        Placer placer = new Placer(CloudCapacity.fromSummaries(summaries), latency);
        List<ServicePreview> services = new ArrayList<>();
        for (ServiceSpec service : spec.services().values()) {
            List<Assignment> kept = running.stream()
                    .filter(i -> i.service().equals(service.name()))
                    .filter(i -> !i.site().isEmpty() && !i.node().isEmpty())
                    .filter(i -> indexOf(i) < service.replicas())
                    .map(i -> new Assignment(i.site(), i.node()))
                    .toList();
            int toPlace = Math.max(0, service.replicas() - kept.size());
            PlacementResult result = placer.place(service, toPlace, kept, seed);
            List<Assignment> all = new ArrayList<>(kept);
            all.addAll(result.assignments());
            Optional<String> why = result instanceof PlacementResult.Unplaceable u
                    ? Optional.of(u.why().toString())
                    : Optional.empty();
            List<SiteCount> sites = perSite(all);
            services.add(new ServicePreview(
                    service.name(), service.replicas(), kept.size(), sites, why, summary(service, sites, all, why)));
        }
        boolean placeable = services.stream().allMatch(ServicePreview::placeable);
        return new PlacementPreview(spec.name(), spec.tenant(), exists, placeable, services);
    }

    private static int indexOf(InstanceView instance) {
        try {
            return InstanceId.fromKey(instance.tenant() + "/" + instance.id()).index();
        } catch (RuntimeException e) {
            // Not a replica of this spec's form; it cannot be one of the first N.
            return Integer.MAX_VALUE;
        }
    }

    /** Sites by replica count, most first; equal counts in the order they were first used. */
    private static List<SiteCount> perSite(List<Assignment> assignments) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Assignment a : assignments) counts.merge(a.site(), 1, Integer::sum);
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .map(e -> new SiteCount(e.getKey(), e.getValue()))
                .toList();
    }

    /** "6 replicas would go to london x2, frankfurt x2, paris x2", or how many fit and why not the rest. */
    private static String summary(
            ServiceSpec service, List<SiteCount> sites, List<Assignment> placed, Optional<String> why) {
        int n = service.replicas();
        String where = String.join(
                ", ", sites.stream().map(s -> s.site() + " x" + s.replicas()).toList());
        if (n == 0) return "0 replicas: nothing to place";
        String replicas = n == 1 ? "1 replica" : n + " replicas";
        if (why.isEmpty()) return replicas + " would go to " + where;
        String fit = placed.isEmpty() ? "none would fit" : placed.size() + " would fit (" + where + ")";
        return "of " + replicas + ", " + fit + "; the next fits nowhere: " + why.get();
    }
}
