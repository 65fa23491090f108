package dev.atoll.sim.scenario;

import static dev.atoll.sim.scenario.WorkloadPlanner.duration;
import static dev.atoll.sim.scenario.WorkloadPlanner.micros;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.topology.Topology;
import dev.atoll.sim.scenario.Scenario.FaultKind;
import dev.atoll.sim.scenario.Scenario.SiteGroup;
import dev.atoll.sim.scenario.Scenario.SiteSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Turns fixed faults and the random generator into actions. Fixed faults come first, in time order,
 * and are injected as written; random ones then fill the run around them, never hitting what is
 * already down and never taking {@code maxDownShare} of the sites down at once.
 *
 * <p>What is down when is kept as spans of time (start inclusive, end exclusive, in microseconds);
 * a fault without an end lasts to {@link Long#MAX_VALUE}.
 */
final class FaultPlanner {
    private record SiteSpan(long start, long end, Set<String> sites, boolean crash) {}

    private record NodeSpan(long start, long end, String site, String node) {}

    private record LinkSpan(long start, long end, String a, String b) {}

    private final Topology topology;
    private final List<String> sites;
    private final List<GeoPoint> anchors;
    private final Map<String, UserPopulation> users = new LinkedHashMap<>();
    private final SplittableRandom random;
    private final long durationMicros;
    private final List<SiteSpan> siteSpans = new ArrayList<>();
    private final List<NodeSpan> nodeSpans = new ArrayList<>();
    private final List<LinkSpan> linkSpans = new ArrayList<>();
    private final List<TimedAction> out;

    FaultPlanner(
            Worlds.Layout layout,
            List<UserPopulation> users,
            Duration duration,
            SplittableRandom random,
            List<TimedAction> out) {
        this.topology = layout.topology();
        this.sites = layout.siteNames();
        this.anchors = layout.anchors();
        for (var u : users) this.users.put(u.name(), u);
        this.random = random;
        this.durationMicros = micros(duration);
        this.out = out;
    }

    // ---- fixed faults ----

    void fixed(List<Scenario.Fault> faults) {
        var ordered = new ArrayList<>(faults);
        ordered.sort(Comparator.comparing(Scenario.Fault::at)); // stable: ties keep file order
        for (var fault : ordered) {
            long at = micros(fault.at());
            long end = fault.lasting().map(d -> at + micros(d)).orElse(Long.MAX_VALUE);
            switch (fault.kind()) {
                case FaultKind.CrashNode c -> {
                    String site = resolve(c.site(), at, end);
                    String node = c.node().orElseGet(() -> randomNode(site, at, end, true));
                    crashNode(site, node, at, end);
                }
                case FaultKind.CrashSite c -> crashSite(resolve(c.site(), at, end), at, end);
                case FaultKind.Partition p -> partition(members(p.sites(), at, end), at, end);
                case FaultKind.SlowLink s -> {
                    String a = resolve(s.a(), at, end);
                    String b = resolve(s.b(), at, end);
                    // Selectors may land on one site (largest and nearestTo the same): a link needs two.
                    if (a.equals(b)) b = nearestOther(a);
                    slowLink(a, b, s.extraMs(), at, end);
                }
                case FaultKind.RestartController r -> restart(resolve(r.site(), at, at + 1), at);
                case FaultKind.HotSpot h -> {
                    String site = resolve(h.site(), at, end);
                    var nodes = h.node().isPresent()
                            ? List.of(h.node().get())
                            : topology.sites().get(sites.indexOf(site)).nodes().stream()
                                    .map(n -> n.name())
                                    .toList();
                    for (String node : nodes) {
                        out.add(new TimedAction.HotSpot(duration(at), site, node, h.factor()));
                        if (end != Long.MAX_VALUE) out.add(new TimedAction.HotSpot(duration(end), site, node, 1.0));
                    }
                }
                case FaultKind.DrainNode d -> {
                    String site = resolve(d.site(), at, end);
                    out.add(new TimedAction.DrainNode(duration(at), site, d.node(), true));
                    if (end != Long.MAX_VALUE) out.add(new TimedAction.DrainNode(duration(end), site, d.node(), false));
                }
            }
        }
    }

    private String resolve(SiteSelector selector, long at, long end) {
        return switch (selector) {
            case SiteSelector.Named n -> n.site();
            case SiteSelector.Largest l -> largest();
            case SiteSelector.NearestTo n -> {
                var location = users.get(n.population()).location();
                yield sites.get(WorkloadPlanner.nearest(location, siteLocations()));
            }
            case SiteSelector.AnySite a -> {
                var up = sites.stream().filter(s -> free(s, at, end)).toList();
                var from = up.isEmpty() ? sites : up;
                yield from.get(random.nextInt(from.size()));
            }
        };
    }

    private String largest() {
        var best = topology.sites().getFirst();
        long bestCpu = -1, bestMemory = -1;
        for (var s : topology.sites()) {
            long cpu = 0, memory = 0;
            for (var n : s.nodes()) {
                cpu += n.capacity().cpuMillis();
                memory += n.capacity().memoryBytes();
            }
            if (cpu > bestCpu || (cpu == bestCpu && memory > bestMemory)) {
                best = s;
                bestCpu = cpu;
                bestMemory = memory;
            }
        }
        return best.site().name();
    }

    private List<GeoPoint> siteLocations() {
        return topology.sites().stream().map(s -> s.site().location()).toList();
    }

    private String nearestOther(String site) {
        var from = topology.sites().get(sites.indexOf(site)).site().location();
        String best = null;
        double bestKm = Double.MAX_VALUE;
        for (var s : topology.sites()) {
            if (s.site().name().equals(site)) continue;
            double km = from.distanceKm(s.site().location());
            if (km < bestKm) {
                bestKm = km;
                best = s.site().name();
            }
        }
        return best;
    }

    private Set<String> members(SiteGroup group, long at, long end) {
        var members = new HashSet<String>();
        switch (group) {
            case SiteGroup.Listed l -> l.sites().forEach(s -> members.add(resolve(s, at, end)));
            case SiteGroup.InJurisdiction j ->
                topology.sites().stream()
                        .filter(s -> s.site().jurisdiction().equals(j.jurisdiction()))
                        .forEach(s -> members.add(s.site().name()));
            case SiteGroup.InCountry c ->
                topology.sites().stream()
                        .filter(s -> s.site().country().equals(c.country()))
                        .forEach(s -> members.add(s.site().name()));
            case SiteGroup.Within w -> {
                for (int i = 0; i < sites.size(); i++) {
                    if (anchors.get(i).distanceKm(w.centre()) <= w.radiusKm()) members.add(sites.get(i));
                }
            }
        }
        return inTopologyOrder(members);
    }

    private Set<String> inTopologyOrder(Set<String> members) {
        var ordered = new LinkedHashSet<String>();
        for (String s : sites) if (members.contains(s)) ordered.add(s);
        return Collections.unmodifiableSet(ordered);
    }

    // ---- random faults ----

    void random(Scenario.RandomFaults chaos) {
        double perMicro = chaos.perMinute() / 60e6;
        double meanFor = micros(chaos.meanFor());
        double limit = chaos.maxDownShare() * sites.size();
        double t = 0;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) / perMicro;
            long at = Math.round(t);
            if (at >= durationMicros) return;
            var kind = chaos.kinds().get(random.nextInt(chaos.kinds().size()));
            long lasting = Math.max(1000, Math.round(-meanFor * Math.log(1 - random.nextDouble())));
            long end = Math.min(at + lasting, durationMicros);
            forget(at);
            switch (kind) {
                case CRASH_NODE -> {
                    var candidates =
                            sites.stream().filter(s -> !crashed(s, at, end)).toList();
                    if (candidates.isEmpty()) continue;
                    String site = candidates.get(random.nextInt(candidates.size()));
                    String node = randomNode(site, at, end, false);
                    if (node != null) crashNode(site, node, at, end);
                }
                case CRASH_SITE -> {
                    if (maxDown(at, end) + 1 >= limit) continue;
                    var candidates = sites.stream()
                            .filter(s -> free(s, at, end) && noNodeDown(s, at, end))
                            .toList();
                    if (!candidates.isEmpty()) crashSite(candidates.get(random.nextInt(candidates.size())), at, end);
                }
                case PARTITION -> randomPartition(at, end, limit);
                case SLOW_LINK -> {
                    if (sites.size() < 2) continue;
                    int ia = random.nextInt(sites.size());
                    int ib = random.nextInt(sites.size() - 1);
                    if (ib >= ia) ib++; // any site but a, each as likely
                    String a = sites.get(ia);
                    String b = sites.get(ib);
                    long extra = 1 + random.nextLong(chaos.maxExtraMs());
                    if (linkFree(a, b, at, end)) slowLink(a, b, extra, at, end);
                }
                case RESTART_CONTROLLER -> {
                    var candidates =
                            sites.stream().filter(s -> !crashed(s, at, at + 1)).toList();
                    if (!candidates.isEmpty()) restart(candidates.get(random.nextInt(candidates.size())), at);
                }
                case HOT_SPOT, DRAIN_NODE ->
                    throw new IllegalStateException(
                            kind.fieldName() + " is not a random fault (the parser refuses it)");
            }
        }
    }

    /** Half the time a whole jurisdiction, if one fits under the limit; otherwise one site. */
    private void randomPartition(long at, long end, double limit) {
        int down = maxDown(at, end);
        if (random.nextBoolean()) {
            var byJurisdiction = new LinkedHashMap<String, Set<String>>();
            for (var s : topology.sites()) {
                byJurisdiction
                        .computeIfAbsent(s.site().jurisdiction(), j -> new LinkedHashSet<>())
                        .add(s.site().name());
            }
            var fitting = byJurisdiction.values().stream()
                    .filter(group -> group.size() < sites.size()
                            && down + group.size() < limit
                            && group.stream().allMatch(s -> free(s, at, end)))
                    .toList();
            if (!fitting.isEmpty()) {
                partition(inTopologyOrder(fitting.get(random.nextInt(fitting.size()))), at, end);
                return;
            }
        }
        if (down + 1 >= limit || sites.size() < 2) return;
        var candidates = sites.stream().filter(s -> free(s, at, end)).toList();
        if (!candidates.isEmpty()) {
            partition(Set.of(candidates.get(random.nextInt(candidates.size()))), at, end);
        }
    }

    private String randomNode(String site, long at, long end, boolean anyIfNoneUp) {
        var nodes = topology.sites().get(sites.indexOf(site)).nodes();
        var up = nodes.stream()
                .filter(n -> nodeSpans.stream()
                        .noneMatch(s -> s.site().equals(site)
                                && s.node().equals(n.name())
                                && overlaps(s.start(), s.end(), at, end)))
                .toList();
        if (up.isEmpty())
            return anyIfNoneUp ? nodes.get(random.nextInt(nodes.size())).name() : null;
        return up.get(random.nextInt(up.size())).name();
    }

    /** Spans that ended by {@code now} can no longer overlap anything: random times only grow. */
    private void forget(long now) {
        siteSpans.removeIf(s -> s.end() <= now);
        nodeSpans.removeIf(s -> s.end() <= now);
        linkSpans.removeIf(s -> s.end() <= now);
    }

    // ---- what is down when ----

    private static boolean overlaps(long start, long end, long from, long to) {
        return start < to && from < end;
    }

    /** Neither crashed nor cut off at any time in [from, to). */
    private boolean free(String site, long from, long to) {
        return siteSpans.stream().noneMatch(s -> s.sites().contains(site) && overlaps(s.start(), s.end(), from, to));
    }

    private boolean crashed(String site, long from, long to) {
        return siteSpans.stream()
                .anyMatch(s -> s.crash() && s.sites().contains(site) && overlaps(s.start(), s.end(), from, to));
    }

    private boolean noNodeDown(String site, long from, long to) {
        return nodeSpans.stream().noneMatch(s -> s.site().equals(site) && overlaps(s.start(), s.end(), from, to));
    }

    private boolean linkFree(String a, String b, long from, long to) {
        return linkSpans.stream()
                .noneMatch(s -> ((s.a().equals(a) && s.b().equals(b)) || (s.a().equals(b) && s.b().equals(a)))
                        && overlaps(s.start(), s.end(), from, to));
    }

    /** The most sites crashed or cut off at once at any time in [from, to). */
    private int maxDown(long from, long to) {
        var points = new ArrayList<Long>();
        points.add(from);
        for (var s : siteSpans) if (s.start() > from && s.start() < to) points.add(s.start());
        int max = 0;
        for (long p : points) {
            var down = new HashSet<String>();
            for (var s : siteSpans) if (s.start() <= p && p < s.end()) down.addAll(s.sites());
            max = Math.max(max, down.size());
        }
        return max;
    }

    // ---- actions ----

    private void crashNode(String site, String node, long at, long end) {
        out.add(new TimedAction.CrashNode(duration(at), site, node));
        if (end != Long.MAX_VALUE) out.add(new TimedAction.RestoreNode(duration(end), site, node));
        nodeSpans.add(new NodeSpan(at, end, site, node));
    }

    private void crashSite(String site, long at, long end) {
        out.add(new TimedAction.CrashSite(duration(at), site));
        if (end != Long.MAX_VALUE) out.add(new TimedAction.RestoreSite(duration(end), site));
        siteSpans.add(new SiteSpan(at, end, Set.of(site), true));
    }

    private void partition(Set<String> group, long at, long end) {
        out.add(new TimedAction.Partition(duration(at), group));
        if (end != Long.MAX_VALUE) out.add(new TimedAction.Heal(duration(end), group));
        siteSpans.add(new SiteSpan(at, end, group, false));
    }

    private void slowLink(String a, String b, long extraMs, long at, long end) {
        out.add(new TimedAction.SlowLink(duration(at), a, b, extraMs));
        if (end != Long.MAX_VALUE) out.add(new TimedAction.RestoreLink(duration(end), a, b));
        linkSpans.add(new LinkSpan(at, end, a, b));
    }

    private void restart(String site, long at) {
        out.add(new TimedAction.RestartController(duration(at), site));
    }
}
