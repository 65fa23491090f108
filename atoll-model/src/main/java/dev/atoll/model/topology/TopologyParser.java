package dev.atoll.model.topology;

import static dev.atoll.model.spec.FieldReader.quote;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.spec.FieldReader;
import dev.atoll.model.spec.UserDocument;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a topology file (YAML list of sites with their nodes) for `atoll dev --topology FILE`.
 *
 * <pre>{@code
 * sites:
 *   - name: london            # DNS label, unique
 *     lat: 51.51              # degrees, -90..90
 *     lon: -0.13              # degrees, -180..180
 *     country: GB             # ISO 3166 alpha-2
 *     jurisdiction: UK        # optional; default EU for EU members, UK for GB, else the country
 *     tags: [green]           # optional
 *     nodes:                  # either a list of nodes...
 *       - {name: n1, cpu: 4, memory: 8Gi, slots: 110, tags: [ssd], drivers: [process]}
 *   - name: paris
 *     lat: 48.86
 *     lon: 2.35
 *     country: FR
 *     nodes: {count: 3, cpu: 4, memory: 8Gi}   # ...or N identical nodes named n1..nN
 * }</pre>
 *
 * Node fields other than name are optional: cpu 4, memory 8Gi, slots 110, drivers [process], no tags.
 * Errors come back as values with paths such as {@code sites[2].nodes[0].memory}, like spec errors.
 */
public final class TopologyParser {
    static final List<String> TOP_FIELDS = List.of("sites");
    static final List<String> SITE_FIELDS = List.of("name", "lat", "lon", "country", "jurisdiction", "tags", "nodes");
    static final List<String> NODE_FIELDS = List.of("name", "cpu", "memory", "slots", "tags", "drivers");
    static final List<String> NODE_GROUP_FIELDS = List.of("count", "cpu", "memory", "slots", "tags", "drivers");
    static final int MAX_TAGS = 64;
    static final int MAX_SLOTS = 100_000;

    private TopologyParser() {}

    public sealed interface Result {
        record Valid(Topology topology) implements Result {}

        record Invalid(List<FieldError> errors) implements Result {}
    }

    public static Result parse(String yaml) {
        var read = UserDocument.read(yaml);
        if (!read.errors().isEmpty()) return new Result.Invalid(read.errors());
        var tree = read.tree().orElse(null);
        var errors = new ArrayList<FieldError>();
        var root = FieldReader.root(tree, errors);
        if (!root.present()) {
            return new Result.Invalid(List.of(new FieldError("", "the document is empty; expected sites: [...]")));
        }
        if (!tree.isObject()) {
            root.error("expected an object with sites, got " + FieldReader.describe(tree));
            return new Result.Invalid(errors);
        }
        root.object(TOP_FIELDS);
        var sites = readSites(root.field("sites"), Topologies.DEFAULT_NODE_DRIVERS);
        if (!errors.isEmpty()) return new Result.Invalid(errors);
        return new Result.Valid(new Topology(sites));
    }

    /**
     * The list of sites at {@code field}, in the format above, for documents that embed one (a
     * simulator scenario); errors go to the field's reader with their full paths. Nodes that name no
     * drivers get {@code defaultDrivers}.
     */
    public static List<Topology.SiteTopology> readSites(FieldReader field, Set<String> defaultDrivers) {
        var sites = new ArrayList<Topology.SiteTopology>();
        if (field.required("a list of sites with name, lat, lon, country and nodes")) {
            var items = field.list("sites", Topologies.MAX_SITES);
            if (items.isPresent() && items.get().isEmpty()) field.error("must have at least one site");
            var seen = new HashMap<String, String>();
            for (var item : items.orElse(List.of()))
                readSite(item, seen, defaultDrivers).ifPresent(sites::add);
        }
        return sites;
    }

    private static Optional<Topology.SiteTopology> readSite(
            FieldReader site, Map<String, String> seenNames, Set<String> defaultDrivers) {
        if (!site.present()) {
            site.error("expected an object with " + String.join(", ", SITE_FIELDS) + ", got null");
            return Optional.empty();
        }
        if (site.object(SITE_FIELDS).isEmpty()) return Optional.empty();
        var nameField = site.field("name");
        Optional<String> name = Optional.empty();
        if (nameField.required("e.g. london")) {
            name = nameField.string(n -> seenNames.containsKey(n)
                    ? Optional.of(quote(n) + " is already the name of " + seenNames.get(n))
                    : FieldReader.checkDnsLabel(n));
            name.ifPresent(n -> seenNames.put(n, site.path()));
        }
        var latField = site.field("lat");
        var lat = latField.required("latitude in degrees, -90 to 90")
                ? latField.decimal(-90, 90)
                : Optional.<Double>empty();
        var lonField = site.field("lon");
        var lon = lonField.required("longitude in degrees, -180 to 180")
                ? lonField.decimal(-180, 180)
                : Optional.<Double>empty();
        var countryField = site.field("country");
        var country = countryField.required("an ISO 3166 alpha-2 code, e.g. GB")
                ? countryField.string(FieldReader::checkCountry)
                : Optional.<String>empty();
        var jurisdiction = site.field("jurisdiction").string(FieldReader::checkJurisdiction);
        var tags = tags(site.field("tags"));
        var nodesField = site.field("nodes");
        List<NodeInfo> nodes = List.of();
        String siteName = name.orElse("");
        if (nodesField.required("a list of nodes, or {count: 3} for identical ones")) {
            nodes = nodesField.node().isObject()
                    ? readNodeGroup(siteName, nodesField, defaultDrivers)
                    : readNodes(siteName, nodesField, defaultDrivers);
        }
        if (name.isEmpty() || lat.isEmpty() || lon.isEmpty() || country.isEmpty()) return Optional.empty();
        var info = new SiteInfo(
                name.get(),
                new GeoPoint(lat.get(), lon.get()),
                country.get(),
                jurisdiction.orElse(Topologies.jurisdictionOf(country.get())),
                tags);
        return Optional.of(new Topology.SiteTopology(info, nodes));
    }

    private static List<NodeInfo> readNodes(String site, FieldReader field, Set<String> defaultDrivers) {
        var items = field.list("nodes, or an object {count: N, ...}", Topologies.MAX_NODES_PER_SITE);
        if (items.isPresent() && items.get().isEmpty()) field.error("must have at least one node");
        var nodes = new ArrayList<NodeInfo>();
        var seen = new HashMap<String, String>();
        for (var node : items.orElse(List.of())) {
            if (!node.present()) {
                node.error("expected an object with " + String.join(", ", NODE_FIELDS) + ", got null");
                continue;
            }
            if (node.object(NODE_FIELDS).isEmpty()) continue;
            var nameField = node.field("name");
            Optional<String> name = Optional.empty();
            if (nameField.required("e.g. n1")) {
                name = nameField.string(n -> seen.containsKey(n)
                        ? Optional.of(quote(n) + " is already the name of " + seen.get(n))
                        : FieldReader.checkDnsLabel(n));
                name.ifPresent(n -> seen.put(n, node.path()));
            }
            var shape = readShape(node, defaultDrivers);
            name.ifPresent(
                    n -> nodes.add(new NodeInfo(site, n, shape.capacity, shape.slots, shape.drivers, shape.tags)));
        }
        return nodes;
    }

    /**
     * {@code {count, cpu, memory, slots, tags, drivers}} at {@code field}: that many identical nodes
     * n1..nN of {@code site}; without drivers they get {@code defaultDrivers}.
     */
    public static List<NodeInfo> readNodeGroup(String site, FieldReader field, Set<String> defaultDrivers) {
        field.object(NODE_GROUP_FIELDS);
        var countField = field.field("count");
        var count = countField.required("how many identical nodes, e.g. 3")
                ? countField.integer(1, Topologies.MAX_NODES_PER_SITE)
                : Optional.<Integer>empty();
        var shape = readShape(field, defaultDrivers);
        if (count.isEmpty()) return List.of();
        return Topologies.identicalNodes(site, count.get(), shape.capacity, shape.slots, shape.drivers, shape.tags);
    }

    private record Shape(Resources capacity, int slots, Set<String> drivers, Set<String> tags) {}

    private static Shape readShape(FieldReader node, Set<String> defaultDrivers) {
        long cpu = node.field("cpu").cpuMillis().orElse(Topologies.DEFAULT_NODE_CPU_MILLIS);
        long memory = node.field("memory").memoryBytes().orElse(Topologies.DEFAULT_NODE_MEMORY_BYTES);
        int slots = node.field("slots").integer(1, MAX_SLOTS).orElse(Topologies.DEFAULT_NODE_SLOTS);
        var driversField = node.field("drivers");
        var drivers = driversField
                .distinctStrings(
                        8,
                        d -> dev.atoll.model.spec.DriverKind.fromWireName(d).isPresent()
                                ? Optional.empty()
                                : Optional.of(quote(d) + " is not a driver; supported: process, oci, microvm"))
                .map(Set::copyOf)
                .orElse(defaultDrivers);
        if (driversField.present()
                && driversField.node().isArray()
                && driversField.node().isEmpty()) {
            driversField.error("must have at least one driver, e.g. [process]");
        }
        return new Shape(new Resources(cpu, memory), slots, drivers, tags(node.field("tags")));
    }

    private static Set<String> tags(FieldReader field) {
        return Set.copyOf(field.distinctStrings(MAX_TAGS, FieldReader::checkTag).orElse(List.of()));
    }
}
