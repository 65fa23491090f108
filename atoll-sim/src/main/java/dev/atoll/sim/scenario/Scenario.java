package dev.atoll.sim.scenario;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.Topology;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a scenario file says, checked but not yet expanded: nothing here depends on a seed. Built by
 * {@link ScenarioParser}, which guarantees every name a fault or a matrix uses exists in every
 * variant; {@link ScenarioPlanner} expands it for one variant and seed into a {@link ScenarioPlan}.
 *
 * @param worlds the sites, latency and users of each variant, in file order; a scenario without
 *     variants has one, {@link #NO_VARIANT}
 * @param workload the arrivals of environments; empty when the scenario only injects faults
 * @param faults the faults at fixed times, in file order
 * @param randomFaults seeded chaos on top of {@code faults}
 */
public record Scenario(
        String name,
        String description,
        Duration duration,
        Duration settle,
        double messageLoss,
        Map<String, World> worlds,
        Optional<Workload> workload,
        List<Fault> faults,
        Optional<RandomFaults> randomFaults,
        Optional<Rebalancing> rebalancing) {
    /** A scenario that says nothing of rebalancing: the sites never rebalance, nodes report no use. */
    public Scenario(
            String name,
            String description,
            Duration duration,
            Duration settle,
            double messageLoss,
            Map<String, World> worlds,
            Optional<Workload> workload,
            List<Fault> faults,
            Optional<RandomFaults> randomFaults) {
        this(
                name,
                description,
                duration,
                settle,
                messageLoss,
                worlds,
                workload,
                faults,
                randomFaults,
                Optional.empty());
    }

    /**
     * The same scenario cut short at {@code played} (when shorter): arrivals and faults after it
     * never happen, the settle time still follows. For a quick look at a long scenario, and for
     * the short chaos runs CI plays for many seeds.
     */
    public Scenario playedFor(Duration played) {
        if (played.compareTo(duration) >= 0) return this;
        return new Scenario(
                name, description, played, settle, messageLoss, worlds, workload, faults, randomFaults, rebalancing);
    }

    /** The one variant of a scenario that has none. */
    public static final String NO_VARIANT = "";

    public Scenario {
        if (worlds.isEmpty()) throw new IllegalArgumentException("a scenario has at least one world");
        worlds = Collections.unmodifiableMap(new LinkedHashMap<>(worlds));
        faults = List.copyOf(faults);
    }

    /** The names of the variants, in file order; {@code [""]} when the scenario has none. */
    public List<String> variants() {
        return List.copyOf(worlds.keySet());
    }

    /**
     * The world of one variant.
     *
     * @throws IllegalArgumentException when the scenario has no such variant (callers check names
     *     users give against {@link #variants()} first)
     */
    public World world(String variant) {
        var world = worlds.get(variant);
        if (world == null) {
            throw new IllegalArgumentException("scenario " + name + " has no variant \"" + variant + "\"; variants: "
                    + String.join(", ", variants()));
        }
        return world;
    }

    /** Where the cloud is and who uses it: what a variant may change. */
    public record World(Sites sites, Latency latency, Users users) {}

    public sealed interface Sites {
        /** Sites written out in the topology file format. */
        record Listed(Topology topology) implements Sites {}

        /**
         * {@code count} sites in real cities ({@link WorldCities}), shared out among the cities in
         * proportion to population; a city's first site takes its name, the next ones name-2, name-3.
         * Names and cities do not depend on the seed; locations get a seeded offset of up to
         * {@code jitterKm}.
         *
         * @param nodes the nodes of every site, named n1..nN (their site name is empty here)
         */
        record Generated(int count, List<NodeInfo> nodes, double jitterKm) implements Sites {
            public Generated {
                nodes = List.copyOf(nodes);
            }
        }
    }

    /** How long a message takes between two sites, and from users to a site. */
    public sealed interface Latency {
        double inSiteMs();

        double accessMs();

        /**
         * Great-circle distance at 2/3 of the speed of light (light in fibre), plus {@code hopMs}
         * for each router on the way, estimated as one plus one per 1000 km.
         */
        record GreatCircle(double hopMs, double inSiteMs, double accessMs) implements Latency {}

        /** One-way delays in milliseconds for every pair of distinct sites, both directions present. */
        record Matrix(Map<String, Map<String, Double>> oneWayMs, double inSiteMs, double accessMs) implements Latency {
            public Matrix {
                var copy = new LinkedHashMap<String, Map<String, Double>>();
                oneWayMs.forEach((a, row) -> copy.put(a, Collections.unmodifiableMap(new LinkedHashMap<>(row))));
                oneWayMs = Collections.unmodifiableMap(copy);
            }
        }
    }

    public sealed interface Users {
        /** No users: no service can ask to be near them. */
        Users NONE = new Listed(List.of());

        record Listed(List<UserPopulation> populations) implements Users {
            public Listed {
                populations = List.copyOf(populations);
            }
        }

        /** The {@code count} most populous cities of {@link WorldCities}, users = population. */
        record Generated(int count) implements Users {}
    }

    /** Environments arrive, live for a while and are deleted. */
    public record Workload(Arrivals arrivals, List<String> tenants, List<MixEntry> mix) {
        public Workload {
            tenants = List.copyOf(tenants);
            mix = List.copyOf(mix);
        }
    }

    /**
     * A Poisson process: exponential gaps at {@code ratePerSecond}, the rate growing linearly from 0
     * over {@code rampUp}; at most {@code count} arrivals, none after the scenario's duration.
     */
    public record Arrivals(double ratePerSecond, Optional<Integer> count, Duration rampUp) {}

    /**
     * One kind of environment in the workload, picked with probability weight / total weight.
     *
     * @param spec the environment as its file says it (its name gets a unique suffix per arrival)
     * @param tenant the spec's own metadata.tenant when it gives one; otherwise each arrival picks
     *     one of the workload's tenants
     * @param nearUsers whether each arrival picks a user population (by users) and asks every service
     *     to run near it, homed at the site nearest it
     * @param maxLatencyMs with {@code nearUsers}: the hard bound on the users' round trip
     */
    public record MixEntry(
            double weight,
            EnvironmentSpec spec,
            Optional<String> tenant,
            Lifetime lifetime,
            boolean nearUsers,
            Optional<Integer> maxLatencyMs) {}

    /** How long an environment lives before its user deletes it. */
    public sealed interface Lifetime {
        record Forever() implements Lifetime {}

        /** Uniform between the two. */
        record Between(Duration min, Duration max) implements Lifetime {}

        /** Exponential with this mean: many short lives, a few long ones. */
        record Exponential(Duration mean) implements Lifetime {}
    }

    /** A fault at a fixed time; {@code lasting} adds the action that undoes it (none: it stays). */
    public record Fault(Duration at, Optional<Duration> lasting, FaultKind kind) {}

    public sealed interface FaultKind {
        /** {@code node} empty: a seeded random node of the site. */
        record CrashNode(SiteSelector site, Optional<String> node) implements FaultKind {}

        record CrashSite(SiteSelector site) implements FaultKind {}

        record Partition(SiteGroup sites) implements FaultKind {}

        record SlowLink(SiteSelector a, SiteSelector b, long extraMs) implements FaultKind {}

        record RestartController(SiteSelector site) implements FaultKind {}

        /**
         * Load on a node rises: the sim driver reports {@code factor} times the usual cpu use for
         * every replica on it ({@code node} empty: every node of the site, as when its users' day
         * begins). The replicas' requests do not change, only what they use.
         */
        record HotSpot(SiteSelector site, Optional<String> node, double factor) implements FaultKind {}

        /** An operator drains a node ({@code atoll drain}); with {@code for}, takes it back after. */
        record DrainNode(SiteSelector site, String node) implements FaultKind {}
    }

    /**
     * Which site a fault hits, in words that mean something in every variant, resolved per plan.
     */
    public sealed interface SiteSelector {
        record Named(String site) implements SiteSelector {}

        /** The site with the most cpu (then memory, then the first listed). */
        record Largest() implements SiteSelector {}

        /** The site nearest a user population. */
        record NearestTo(String population) implements SiteSelector {}

        /** A seeded random site, among those not down at the time when there are any. */
        record AnySite() implements SiteSelector {}
    }

    /** The sites a partition cuts off from the rest. */
    public sealed interface SiteGroup {
        record Listed(List<SiteSelector> sites) implements SiteGroup {
            public Listed {
                sites = List.copyOf(sites);
            }
        }

        record InJurisdiction(String jurisdiction) implements SiteGroup {}

        record InCountry(String country) implements SiteGroup {}

        /** Sites within {@code radiusKm} of {@code centre} (generated sites: of their city's centre). */
        record Within(GeoPoint centre, double radiusKm) implements SiteGroup {}
    }

    /**
     * Chaos: faults start as a Poisson process of {@code perMinute}, each of a kind picked from
     * {@code kinds}, lasting an exponential time of mean {@code meanFor} (cut at the duration). A fault
     * that would take {@code maxDownShare} or more of the sites down at once (crashed or cut off,
     * counting the fixed faults too) is not injected.
     *
     * @param maxExtraMs slow links get 1 to this many extra milliseconds each way
     */
    public record RandomFaults(
            double perMinute, List<FaultType> kinds, Duration meanFor, double maxDownShare, long maxExtraMs) {
        public RandomFaults {
            kinds = List.copyOf(kinds);
        }
    }

    public enum FaultType {
        CRASH_NODE("crashNode"),
        CRASH_SITE("crashSite"),
        PARTITION("partition"),
        SLOW_LINK("slowLink"),
        RESTART_CONTROLLER("restartController"),
        HOT_SPOT("hotSpot", false),
        DRAIN_NODE("drainNode", false);

        private final String fieldName;
        private final boolean chaos;

        FaultType(String fieldName) {
            this(fieldName, true);
        }

        FaultType(String fieldName, boolean chaos) {
            this.fieldName = fieldName;
            this.chaos = chaos;
        }

        /** Whether the random generator may inject it (load and drains are not failures). */
        public boolean chaos() {
            return chaos;
        }

        /** How the kind is written in a scenario file. */
        public String fieldName() {
            return fieldName;
        }

        public static Optional<FaultType> fromFieldName(String name) {
            for (var t : values()) if (t.fieldName.equals(name)) return Optional.of(t);
            return Optional.empty();
        }
    }

    /**
     * Whether the sites rebalance (see atoll-control's {@code SiteRebalancer}) and what the sim
     * driver reports as used. A scenario with this section has its nodes report their use with
     * every heartbeat and its overloads timed in the report, whether rebalancing is on or off (off
     * is the "do nothing" run a comparison puts beside it).
     *
     * @param usageShare what a replica uses of its cpu and memory request, 0..1 (a hot spot
     *     multiplies the cpu)
     */
    public record Rebalancing(
            boolean enabled,
            double cpuThreshold,
            double memoryThreshold,
            Duration window,
            Duration period,
            double usageShare) {
        public static final Rebalancing DEFAULTS =
                new Rebalancing(true, 0.85, 0.90, Duration.ofSeconds(30), Duration.ofSeconds(5), 0.5);

        public Rebalancing off() {
            return new Rebalancing(false, cpuThreshold, memoryThreshold, window, period, usageShare);
        }
    }
}
