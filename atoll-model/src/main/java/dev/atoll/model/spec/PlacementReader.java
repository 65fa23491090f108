package dev.atoll.model.spec;

import static dev.atoll.model.spec.FieldReader.quote;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.spec.PlacementIntent.Spread;
import dev.atoll.model.spec.PlacementIntent.Strategy;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Reads {@code spec.services.NAME.placement}; see {@link PlacementIntent} for what each field means. */
final class PlacementReader {
    static final List<String> FIELDS = List.of(
            "jurisdictions",
            "countries",
            "sites",
            "avoidSites",
            "requireTags",
            "preferTags",
            "nearUsers",
            "spread",
            "antiAffinity",
            "strategy");
    static final List<String> USER_REGION_FIELDS = List.of("name", "lat", "lon", "maxLatencyMs");
    static final List<String> SPREAD_FIELDS = List.of("across", "minDomains");
    static final int MAX_ITEMS = 256;
    static final int MAX_SITES = 1000;
    static final int MAX_USER_REGIONS = 64;
    static final int MAX_LATENCY_MS = 60_000;
    static final int MAX_MIN_DOMAINS = 1000;

    private PlacementReader() {}

    static PlacementIntent read(FieldReader field) {
        if (field.object(FIELDS).isEmpty()) return PlacementIntent.NONE;
        var jurisdictions = strings(field.field("jurisdictions"), MAX_ITEMS, FieldReader::checkJurisdiction);
        var countries = strings(field.field("countries"), MAX_ITEMS, FieldReader::checkCountry);
        var sites = strings(field.field("sites"), MAX_SITES, FieldReader::checkDnsLabel);
        var avoidField = field.field("avoidSites");
        var avoidSites = strings(
                avoidField,
                MAX_SITES,
                site -> sites.contains(site)
                        ? Optional.of(quote(site) + " is also in sites; a site cannot be both pinned and avoided")
                        : FieldReader.checkDnsLabel(site));
        var requireTags = strings(field.field("requireTags"), MAX_ITEMS, FieldReader::checkTag);
        var preferTags = strings(field.field("preferTags"), MAX_ITEMS, FieldReader::checkTag);
        var nearUsers = readUserRegions(field.field("nearUsers"));
        var spread = readSpread(field.field("spread"));
        var antiAffinity = field.field("antiAffinity")
                .oneOf(List.of("none", "node", "site"))
                .map(s -> AntiAffinity.valueOf(s.toUpperCase(Locale.ROOT)))
                .orElse(AntiAffinity.NONE);
        var strategy = field.field("strategy")
                .oneOf(List.of("spread", "pack"))
                .map(s -> Strategy.valueOf(s.toUpperCase(Locale.ROOT)))
                .orElse(Strategy.SPREAD);
        return new PlacementIntent(
                jurisdictions,
                countries,
                sites,
                avoidSites,
                requireTags,
                preferTags,
                nearUsers,
                spread,
                antiAffinity,
                strategy);
    }

    private static Set<String> strings(
            FieldReader field, int max, java.util.function.Function<String, Optional<String>> check) {
        return Set.copyOf(field.distinctStrings(max, check).orElse(List.of()));
    }

    private static List<UserRegion> readUserRegions(FieldReader field) {
        var regions = new ArrayList<UserRegion>();
        var seen = new HashMap<String, String>();
        for (var item :
                field.list("user regions ({name, lat, lon})", MAX_USER_REGIONS).orElse(List.of())) {
            if (!item.present()) {
                item.error("expected an object with " + String.join(", ", USER_REGION_FIELDS) + ", got null");
                continue;
            }
            if (item.object(USER_REGION_FIELDS).isEmpty()) continue;
            var nameField = item.field("name");
            Optional<String> name = Optional.empty();
            if (nameField.required("e.g. paris")) {
                name = nameField.string(n -> seen.containsKey(n)
                        ? Optional.of(quote(n) + " is already the name of " + seen.get(n))
                        : FieldReader.checkDnsLabel(n));
                name.ifPresent(n -> seen.put(n, item.path()));
            }
            var latField = item.field("lat");
            var lat = latField.required("latitude in degrees, -90 to 90")
                    ? latField.decimal(-90, 90)
                    : Optional.<Double>empty();
            var lonField = item.field("lon");
            var lon = lonField.required("longitude in degrees, -180 to 180")
                    ? lonField.decimal(-180, 180)
                    : Optional.<Double>empty();
            var maxLatency = item.field("maxLatencyMs").integer(1, MAX_LATENCY_MS);
            if (name.isPresent() && lat.isPresent() && lon.isPresent()) {
                regions.add(new UserRegion(name.get(), new GeoPoint(lat.get(), lon.get()), maxLatency));
            }
        }
        return regions;
    }

    private static Optional<Spread> readSpread(FieldReader field) {
        if (field.object(SPREAD_FIELDS).isEmpty()) return Optional.empty();
        var acrossField = field.field("across");
        var across = acrossField.required("site or node")
                ? acrossField.oneOf(List.of("site", "node")).map(s -> Domain.valueOf(s.toUpperCase(Locale.ROOT)))
                : Optional.<Domain>empty();
        var minField = field.field("minDomains");
        var min = minField.required("how many distinct sites or nodes the replicas must cover, e.g. 2")
                ? minField.integer(1, MAX_MIN_DOMAINS)
                : Optional.<Integer>empty();
        if (across.isEmpty() || min.isEmpty()) return Optional.empty();
        return Optional.of(new Spread(across.get(), min.get()));
    }
}
