package dev.atoll.sim.scenario;

import static dev.atoll.model.spec.FieldReader.quote;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.spec.FieldReader;
import dev.atoll.sim.scenario.Scenario.FaultKind;
import dev.atoll.sim.scenario.Scenario.FaultType;
import dev.atoll.sim.scenario.Scenario.SiteGroup;
import dev.atoll.sim.scenario.Scenario.SiteSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads {@code faults}: a list whose items are each one fault at a time ({@code at}, optional
 * {@code for}), or one {@code random} generator. Every site or population a fault names is checked
 * against every variant.
 */
final class FaultReader {
    static final List<String> ITEM_FIELDS = List.of(
            "at",
            "for",
            "crashNode",
            "crashSite",
            "partition",
            "slowLink",
            "restartController",
            "hotSpot",
            "drainNode",
            "random");
    static final List<String> KIND_FIELDS =
            Arrays.stream(FaultType.values()).map(FaultType::fieldName).toList();
    /** The kinds the random generator may pick: failures, not load or an operator's drain. */
    static final List<String> RANDOM_KIND_FIELDS = Arrays.stream(FaultType.values())
            .filter(FaultType::chaos)
            .map(FaultType::fieldName)
            .toList();

    static final List<String> CRASH_NODE_FIELDS = List.of("site", "node");
    static final List<String> HOT_SPOT_FIELDS = List.of("site", "node", "factor");
    static final double MAX_HOT_FACTOR = 100;
    static final List<String> PARTITION_FIELDS = List.of("sites", "jurisdiction", "country", "region");
    static final List<String> REGION_FIELDS = List.of("lat", "lon", "radiusKm");
    static final List<String> SLOW_LINK_FIELDS = List.of("a", "b", "extraMs");
    static final List<String> SELECTOR_FIELDS = List.of("largest", "nearestTo", "random");
    static final List<String> RANDOM_FIELDS = List.of("perMinute", "kinds", "meanFor", "maxDownShare", "maxExtraMs");
    static final int MAX_FAULTS = 10_000;
    static final int MAX_EXTRA_MS = 60_000;
    static final double MAX_PER_MINUTE = 600;
    static final Duration DEFAULT_MEAN_FOR = Duration.ofSeconds(30);
    static final double DEFAULT_MAX_DOWN_SHARE = 0.5;
    static final int DEFAULT_MAX_EXTRA_MS = 300;
    static final String SELECTOR_HINT = "a site's name, or {largest: true}, {nearestTo: POPULATION} or {random: true}";

    private FaultReader() {}

    record Read(List<Scenario.Fault> fixed, Optional<Scenario.RandomFaults> random) {}

    static Read read(FieldReader field, Optional<Duration> known, List<ScenarioParser.CheckedWorld> worlds) {
        var duration = known.orElse(ScenarioParser.MAX_DURATION);
        var fixed = new ArrayList<Scenario.Fault>();
        Optional<Scenario.RandomFaults> random = Optional.empty();
        String randomAt = null;
        for (var item : field.list("faults, e.g. {at: 30s, crashSite: london, for: 1m}", MAX_FAULTS)
                .orElse(List.of())) {
            if (!item.present()) item.error("expected a fault such as {at: 30s, crashSite: london, for: 1m}, got null");
            var fields = item.object(ITEM_FIELDS);
            if (fields.isEmpty()) continue;
            var kinds = fields.get().keySet().stream()
                    .filter(k -> KIND_FIELDS.contains(k) || k.equals("random"))
                    .toList();
            if (kinds.isEmpty()) {
                item.error("give one fault: " + String.join(", ", KIND_FIELDS) + ", or random");
                continue;
            }
            if (kinds.size() > 1) {
                item.error("give one fault per item, got " + String.join(" and ", kinds));
                continue;
            }
            if (kinds.getFirst().equals("random")) {
                for (String timed : List.of("at", "for")) {
                    if (item.field(timed).present())
                        item.field(timed).error("random faults pick their own times; remove " + timed);
                }
                if (randomAt != null) {
                    item.field("random").error("only one random generator; the first is at " + randomAt);
                    continue;
                }
                randomAt = item.path();
                random = readRandom(item.field("random"), duration);
                continue;
            }
            readFault(item, FaultType.fromFieldName(kinds.getFirst()).orElseThrow(), known, worlds)
                    .ifPresent(fixed::add);
        }
        return new Read(fixed, random);
    }

    private static Optional<Scenario.Fault> readFault(
            FieldReader item, FaultType type, Optional<Duration> known, List<ScenarioParser.CheckedWorld> worlds) {
        var duration = known.orElse(ScenarioParser.MAX_DURATION);
        var atField = item.field("at");
        var at = atField.required("when, from the start, e.g. 30s")
                ? ScenarioParser.duration(atField, Duration.ZERO, duration)
                : Optional.<Duration>empty();
        if (known.isPresent() && at.isPresent() && at.get().compareTo(duration) >= 0) {
            atField.error("must be before the end of the scenario (duration " + ScenarioParser.format(duration) + ")");
            at = Optional.empty();
        }
        var forField = item.field("for");
        var lasting = ScenarioParser.duration(forField, Duration.ofMillis(1), duration);
        if (known.isPresent()
                && at.isPresent()
                && lasting.isPresent()
                && at.get().plus(lasting.get()).compareTo(duration) > 0) {
            forField.error(
                    "the fault would end at " + ScenarioParser.format(at.get().plus(lasting.get()))
                            + ", after the scenario's duration " + ScenarioParser.format(duration)
                            + "; shorten it, or leave for out to keep the fault to the end");
            lasting = Optional.empty();
        }
        if (type == FaultType.RESTART_CONTROLLER && forField.present()) {
            forField.error("a controller restart is instant; remove for");
        }
        var field = item.field(type.fieldName());
        Optional<FaultKind> kind =
                switch (type) {
                    case CRASH_NODE -> readCrashNode(field, worlds);
                    case CRASH_SITE -> selector(field, worlds).map(FaultKind.CrashSite::new);
                    case PARTITION -> readPartition(field, worlds).map(FaultKind.Partition::new);
                    case SLOW_LINK -> readSlowLink(field, worlds);
                    case RESTART_CONTROLLER -> selector(field, worlds).map(FaultKind.RestartController::new);
                    case HOT_SPOT -> readHotSpot(field, worlds);
                    case DRAIN_NODE ->
                        readCrashNode(field, worlds)
                                .flatMap(c -> ((FaultKind.CrashNode) c).node().isEmpty()
                                        ? missingNode(field)
                                        : Optional.of(new FaultKind.DrainNode(
                                                ((FaultKind.CrashNode) c).site(),
                                                ((FaultKind.CrashNode) c).node().get())));
                };
        if (at.isEmpty() || kind.isEmpty() || (forField.present() && lasting.isEmpty())) return Optional.empty();
        return Optional.of(new Scenario.Fault(at.get(), lasting, kind.get()));
    }

    private static Optional<FaultKind> readCrashNode(FieldReader field, List<ScenarioParser.CheckedWorld> worlds) {
        if (!field.required("{site: london, node: n2}; without node, a random node of the site"))
            return Optional.empty();
        if (field.object(CRASH_NODE_FIELDS).isEmpty()) return Optional.empty();
        return readNodeOf(field, worlds);
    }

    /** {@code site} (a selector) and an optional {@code node} every matching site has. */
    private static Optional<FaultKind> readNodeOf(FieldReader field, List<ScenarioParser.CheckedWorld> worlds) {
        var siteField = field.field("site");
        var site = siteField.required(SELECTOR_HINT) ? selector(siteField, worlds) : Optional.<SiteSelector>empty();
        var nodeField = field.field("node");
        var node = nodeField.string(FieldReader::checkDnsLabel);
        if (site.isPresent() && node.isPresent()) {
            for (var world : worlds) {
                var missing = world.layout().topology().sites().stream()
                        .filter(s -> site.get() instanceof SiteSelector.Named named
                                ? s.site().name().equals(named.site())
                                : true)
                        .filter(s -> s.nodes().stream().noneMatch(n -> n.name().equals(node.get())))
                        .map(s -> s.site().name())
                        .toList();
                if (missing.isEmpty()) continue;
                nodeField.error(
                        site.get() instanceof SiteSelector.Named
                                ? quote(node.get()) + " is not a node of site " + missing.getFirst() + " in "
                                        + world.label()
                                : quote(node.get()) + " is not a node of every site of " + world.label() + " (not of "
                                        + missing.getFirst() + "); name a node every site has, or leave node out for"
                                        + " a random one");
                return Optional.empty();
            }
        }
        if (site.isEmpty() || (nodeField.present() && node.isEmpty())) return Optional.empty();
        return Optional.of(new FaultKind.CrashNode(site.get(), node));
    }

    private static Optional<FaultKind> missingNode(FieldReader field) {
        field.field("node").error("required: the node to drain, e.g. n1");
        return Optional.empty();
    }

    private static Optional<FaultKind> readHotSpot(FieldReader field, List<ScenarioParser.CheckedWorld> worlds) {
        if (!field.required("{site: london, node: n1, factor: 3}; without node, every node of the site"))
            return Optional.empty();
        if (field.object(HOT_SPOT_FIELDS).isEmpty()) return Optional.empty();
        var factorField = field.field("factor");
        var factor = factorField.required("how many times the usual cpu use the replicas there use, e.g. 3")
                ? ScenarioParser.positive(factorField, MAX_HOT_FACTOR)
                : Optional.<Double>empty();
        // Site and node are checked as a crashed node's are.
        var where = readNodeOf(field, worlds);
        if (where.isEmpty() || factor.isEmpty()) return Optional.empty();
        var c = (FaultKind.CrashNode) where.get();
        return Optional.of(new FaultKind.HotSpot(c.site(), c.node(), factor.get()));
    }

    private static Optional<FaultKind> readSlowLink(FieldReader field, List<ScenarioParser.CheckedWorld> worlds) {
        if (!field.required("{a: london, b: new-york, extraMs: 80}")) return Optional.empty();
        if (field.object(SLOW_LINK_FIELDS).isEmpty()) return Optional.empty();
        var aField = field.field("a");
        var a = aField.required(SELECTOR_HINT) ? selector(aField, worlds) : Optional.<SiteSelector>empty();
        var bField = field.field("b");
        var b = bField.required(SELECTOR_HINT) ? selector(bField, worlds) : Optional.<SiteSelector>empty();
        var extraField = field.field("extraMs");
        var extra = extraField.required("milliseconds added each way, e.g. 80")
                ? extraField.integer(1, MAX_EXTRA_MS)
                : Optional.<Integer>empty();
        if (a.isPresent()
                && b.isPresent()
                && a.get() instanceof SiteSelector.Named na
                && a.get().equals(b.get())) {
            bField.error("is the same site as a (" + na.site() + "); a link joins two sites");
            return Optional.empty();
        }
        if (a.isEmpty() || b.isEmpty() || extra.isEmpty()) return Optional.empty();
        return Optional.of(new FaultKind.SlowLink(a.get(), b.get(), extra.get()));
    }

    private static Optional<SiteGroup> readPartition(FieldReader field, List<ScenarioParser.CheckedWorld> worlds) {
        String hint = "{sites: [london]}, {jurisdiction: EU}, {country: DE} or {region: {lat, lon, radiusKm}}";
        if (!field.required(hint)) return Optional.empty();
        var fields = field.object(PARTITION_FIELDS);
        if (fields.isEmpty()) return Optional.empty();
        if (fields.get().size() != 1) {
            field.error("give exactly one of sites, jurisdiction, country or region, got "
                    + (fields.get().isEmpty()
                            ? "none"
                            : String.join(" and ", fields.get().keySet())));
            return Optional.empty();
        }
        String which = fields.get().keySet().iterator().next();
        var value = field.field(which);
        Optional<SiteGroup> group =
                switch (which) {
                    case "sites" -> readSiteList(value, worlds);
                    case "jurisdiction" ->
                        value.string(FieldReader::checkJurisdiction).map(SiteGroup.InJurisdiction::new);
                    case "country" -> value.string(FieldReader::checkCountry).map(SiteGroup.InCountry::new);
                    default -> readRegion(value);
                };
        if (group.isEmpty()) return group;
        // A partition needs sites on both sides, in every variant.
        for (var world : worlds) {
            var members = fixedMembers(group.get(), world);
            if (members.isEmpty()) continue;
            int sites = world.layout().topology().sites().size();
            if (members.get().isEmpty()) {
                value.error("no site of " + world.label() + " is in it");
                return Optional.empty();
            }
            if (members.get().size() >= sites) {
                value.error("takes in every site of " + world.label() + "; a partition needs sites on both sides");
                return Optional.empty();
            }
        }
        return group;
    }

    /** The sites a group holds in a world, when that does not depend on the seed. */
    static Optional<Set<String>> fixedMembers(SiteGroup group, ScenarioParser.CheckedWorld world) {
        var layout = world.layout();
        var sites = layout.topology().sites();
        Predicate<Integer> in =
                switch (group) {
                    case SiteGroup.Listed listed -> {
                        if (!listed.sites().stream().allMatch(s -> s instanceof SiteSelector.Named)) yield null;
                        var names = listed.sites().stream()
                                .map(s -> ((SiteSelector.Named) s).site())
                                .toList();
                        yield i -> names.contains(sites.get(i).site().name());
                    }
                    case SiteGroup.InJurisdiction j ->
                        i -> sites.get(i).site().jurisdiction().equals(j.jurisdiction());
                    case SiteGroup.InCountry c ->
                        i -> sites.get(i).site().country().equals(c.country());
                    case SiteGroup.Within r -> i -> layout.anchors().get(i).distanceKm(r.centre()) <= r.radiusKm();
                };
        if (in == null) return Optional.empty();
        var members = new LinkedHashSet<String>();
        for (int i = 0; i < sites.size(); i++)
            if (in.test(i)) members.add(sites.get(i).site().name());
        return Optional.of(members);
    }

    private static Optional<SiteGroup> readSiteList(FieldReader field, List<ScenarioParser.CheckedWorld> worlds) {
        var items = field.list("sites", 1000);
        if (items.isEmpty()) return Optional.empty();
        if (items.get().isEmpty()) {
            field.error("must name at least one site");
            return Optional.empty();
        }
        var selectors = new ArrayList<SiteSelector>();
        boolean ok = true;
        for (var item : items.get()) {
            if (!item.present()) {
                item.error("expected " + SELECTOR_HINT + ", got null");
                ok = false;
                continue;
            }
            var s = selector(item, worlds);
            if (s.isEmpty()) ok = false;
            s.ifPresent(selectors::add);
        }
        return ok ? Optional.of(new SiteGroup.Listed(selectors)) : Optional.empty();
    }

    private static Optional<SiteGroup> readRegion(FieldReader field) {
        if (!field.present()) field.error("expected {lat, lon, radiusKm}, got null");
        if (field.object(REGION_FIELDS).isEmpty()) return Optional.empty();
        var latField = field.field("lat");
        var lat = latField.required("latitude in degrees") ? latField.decimal(-90, 90) : Optional.<Double>empty();
        var lonField = field.field("lon");
        var lon = lonField.required("longitude in degrees") ? lonField.decimal(-180, 180) : Optional.<Double>empty();
        var radiusField = field.field("radiusKm");
        var radius = radiusField.required("how far from the centre, e.g. 1500")
                ? ScenarioParser.positive(radiusField, 20_100)
                : Optional.<Double>empty();
        if (lat.isEmpty() || lon.isEmpty() || radius.isEmpty()) return Optional.empty();
        return Optional.of(new SiteGroup.Within(new GeoPoint(lat.get(), lon.get()), radius.get()));
    }

    /** A site: its name, or words that pick one in every variant. */
    static Optional<SiteSelector> selector(FieldReader field, List<ScenarioParser.CheckedWorld> worlds) {
        if (!field.present()) {
            field.required(SELECTOR_HINT);
            return Optional.empty();
        }
        if (field.node().isTextual()) {
            var name = field.string(FieldReader::checkDnsLabel);
            if (name.isEmpty()) return Optional.empty();
            var lacking = worlds.stream()
                    .filter(w -> !w.layout().siteNames().contains(name.get()))
                    .toList();
            if (!lacking.isEmpty()) {
                field.error(quote(name.get()) + " is not a site of " + labels(lacking));
                return Optional.empty();
            }
            return Optional.of(new SiteSelector.Named(name.get()));
        }
        if (!field.node().isObject()) {
            field.error("expected " + SELECTOR_HINT + ", got " + FieldReader.describe(field.node()));
            return Optional.empty();
        }
        var fields = field.object(SELECTOR_FIELDS);
        if (fields.isEmpty()) return Optional.empty();
        if (fields.get().size() != 1) {
            field.error("give exactly one of largest, nearestTo or random, got "
                    + (fields.get().isEmpty()
                            ? "none"
                            : String.join(" and ", fields.get().keySet())));
            return Optional.empty();
        }
        String which = fields.get().keySet().iterator().next();
        var value = field.field(which);
        if (which.equals("nearestTo")) {
            if (!value.required("the name of a user population")) return Optional.empty();
            var population = value.string(FieldReader::checkDnsLabel);
            if (population.isEmpty()) return Optional.empty();
            var lacking = worlds.stream()
                    .filter(w -> w.users().stream().noneMatch(u -> u.name().equals(population.get())))
                    .toList();
            if (!lacking.isEmpty()) {
                value.error(quote(population.get()) + " is not a user population of " + labels(lacking));
                return Optional.empty();
            }
            return Optional.of(new SiteSelector.NearestTo(population.get()));
        }
        var on = value.bool();
        if (on.isPresent() && !on.get()) value.error("write " + which + ": true, or name the site");
        if (!value.present()) value.required("write " + which + ": true");
        if (on.isEmpty() || !on.get()) return Optional.empty();
        return Optional.of(which.equals("largest") ? new SiteSelector.Largest() : new SiteSelector.AnySite());
    }

    private static String labels(List<ScenarioParser.CheckedWorld> worlds) {
        if (worlds.size() == 1) return worlds.getFirst().label();
        return "variants "
                + String.join(
                        ", ",
                        worlds.stream()
                                .map(ScenarioParser.CheckedWorld::variant)
                                .toList());
    }

    private static Optional<Scenario.RandomFaults> readRandom(FieldReader field, Duration duration) {
        if (!field.required("{perMinute: 4}, and optionally kinds, meanFor, maxDownShare, maxExtraMs"))
            return Optional.empty();
        if (field.object(RANDOM_FIELDS).isEmpty()) return Optional.empty();
        var rateField = field.field("perMinute");
        var perMinute = rateField.required("how many faults start per minute on average, e.g. 4")
                ? ScenarioParser.positive(rateField, MAX_PER_MINUTE)
                : Optional.<Double>empty();
        var kindsField = field.field("kinds");
        var kindNames = kindsField.distinctStrings(
                RANDOM_KIND_FIELDS.size(),
                k -> FaultType.fromFieldName(k).isPresent()
                                && FaultType.fromFieldName(k).get().chaos()
                        ? Optional.empty()
                        : Optional.of(quote(k) + " is not a kind of random fault; kinds: "
                                + String.join(", ", RANDOM_KIND_FIELDS)));
        if (kindNames.isPresent()
                && kindNames.get().isEmpty()
                && kindsField.node().isEmpty()) {
            kindsField.error("give at least one kind, or leave kinds out for all of them");
        }
        var kinds = kindNames
                .filter(k -> !k.isEmpty())
                .map(k -> k.stream()
                        .map(n -> FaultType.fromFieldName(n).orElseThrow())
                        .toList())
                .orElse(Arrays.stream(FaultType.values())
                        .filter(FaultType::chaos)
                        .toList());
        var meanFor = ScenarioParser.duration(field.field("meanFor"), Duration.ofMillis(1), duration)
                .orElse(DEFAULT_MEAN_FOR);
        var shareField = field.field("maxDownShare");
        var share = ScenarioParser.positive(shareField, 1).orElse(DEFAULT_MAX_DOWN_SHARE);
        int maxExtra = field.field("maxExtraMs").integer(1, MAX_EXTRA_MS).orElse(DEFAULT_MAX_EXTRA_MS);
        if (perMinute.isEmpty()) return Optional.empty();
        return Optional.of(new Scenario.RandomFaults(perMinute.get(), kinds, meanFor, share, maxExtra));
    }
}
