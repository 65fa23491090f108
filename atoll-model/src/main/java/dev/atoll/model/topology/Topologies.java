package dev.atoll.model.topology;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Quantities;
import dev.atoll.model.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Ready-made topologies for `atoll dev`: the default three sites, or N sites in real cities. */
public final class Topologies {
    public static final long DEFAULT_NODE_CPU_MILLIS = 4000;
    public static final long DEFAULT_NODE_MEMORY_BYTES =
            Quantities.parseMemoryBytes("8Gi").orElseThrow();
    public static final int DEFAULT_NODE_SLOTS = 110;
    public static final Set<String> DEFAULT_NODE_DRIVERS = Set.of("process");
    public static final int MAX_SITES = 10_000;
    public static final int MAX_NODES_PER_SITE = 10_000;

    private static final Set<String> EU_MEMBERS = Set.of(
            "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
            "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE");

    private record City(String name, double lat, double lon, String country) {}

    // The first three are the default dev cloud, so `--sites 3` and no flag give the same cloud;
    // the next ones alternate continents so a small N already spans several jurisdictions.
    private static final List<City> CITIES = List.of(
            new City("london", 51.5074, -0.1278, "GB"),
            new City("frankfurt", 50.1109, 8.6821, "DE"),
            new City("new-york", 40.7128, -74.0060, "US"),
            new City("paris", 48.8566, 2.3522, "FR"),
            new City("singapore", 1.3521, 103.8198, "SG"),
            new City("zurich", 47.3769, 8.5417, "CH"),
            new City("tokyo", 35.6762, 139.6503, "JP"),
            new City("amsterdam", 52.3676, 4.9041, "NL"),
            new City("chicago", 41.8781, -87.6298, "US"),
            new City("sydney", -33.8688, 151.2093, "AU"),
            new City("madrid", 40.4168, -3.7038, "ES"),
            new City("sao-paulo", -23.5505, -46.6333, "BR"),
            new City("milan", 45.4642, 9.1900, "IT"),
            new City("hong-kong", 22.3193, 114.1694, "HK"),
            new City("los-angeles", 34.0522, -118.2437, "US"),
            new City("stockholm", 59.3293, 18.0686, "SE"),
            new City("mumbai", 19.0760, 72.8777, "IN"),
            new City("toronto", 43.6532, -79.3832, "CA"),
            new City("berlin", 52.5200, 13.4050, "DE"),
            new City("johannesburg", -26.2041, 28.0473, "ZA"),
            new City("dublin", 53.3498, -6.2603, "IE"),
            new City("seoul", 37.5665, 126.9780, "KR"),
            new City("warsaw", 52.2297, 21.0122, "PL"),
            new City("dubai", 25.2048, 55.2708, "AE"),
            new City("geneva", 46.2044, 6.1432, "CH"),
            new City("mexico-city", 19.4326, -99.1332, "MX"),
            new City("oslo", 59.9139, 10.7522, "NO"),
            new City("vienna", 48.2082, 16.3738, "AT"),
            new City("manchester", 53.4808, -2.2426, "GB"),
            new City("dallas", 32.7767, -96.7970, "US"));

    private Topologies() {}

    /** london (GB, UK), frankfurt (DE, EU), new-york (US, US), three default nodes each. */
    public static Topology defaultDev() {
        return generated(3, 3);
    }

    /**
     * {@code sites} sites in real cities, {@code nodesPerSite} default nodes (n1..nN) each. Past the
     * built-in list of cities, names repeat with a suffix: london-2, frankfurt-2, ...
     *
     * @throws IllegalArgumentException when a count is below 1 or above its maximum (callers check
     *     user input first and report it as a value)
     */
    public static Topology generated(int sites, int nodesPerSite) {
        if (sites < 1 || sites > MAX_SITES) {
            throw new IllegalArgumentException("sites must be between 1 and " + MAX_SITES + ", got " + sites);
        }
        if (nodesPerSite < 1 || nodesPerSite > MAX_NODES_PER_SITE) {
            throw new IllegalArgumentException(
                    "nodes per site must be between 1 and " + MAX_NODES_PER_SITE + ", got " + nodesPerSite);
        }
        var result = new ArrayList<Topology.SiteTopology>(sites);
        for (int i = 0; i < sites; i++) {
            City city = CITIES.get(i % CITIES.size());
            int round = i / CITIES.size();
            String name = round == 0 ? city.name() : city.name() + "-" + (round + 1);
            var site = new SiteInfo(
                    name,
                    new GeoPoint(city.lat(), city.lon()),
                    city.country(),
                    jurisdictionOf(city.country()),
                    Set.of());
            result.add(new Topology.SiteTopology(site, defaultNodes(name, nodesPerSite)));
        }
        return new Topology(result);
    }

    /** The law a country's sites operate under by default: EU members "EU", GB "UK", otherwise the country. */
    public static String jurisdictionOf(String country) {
        if (EU_MEMBERS.contains(country)) return "EU";
        if (country.equals("GB")) return "UK";
        return country;
    }

    /** {@code count} nodes n1..nN with the default capacity, slots and drivers. */
    public static List<NodeInfo> defaultNodes(String site, int count) {
        return identicalNodes(
                site,
                count,
                new Resources(DEFAULT_NODE_CPU_MILLIS, DEFAULT_NODE_MEMORY_BYTES),
                DEFAULT_NODE_SLOTS,
                DEFAULT_NODE_DRIVERS,
                Set.of());
    }

    static List<NodeInfo> identicalNodes(
            String site, int count, Resources capacity, int slots, Set<String> drivers, Set<String> tags) {
        var nodes = new ArrayList<NodeInfo>(count);
        for (int n = 1; n <= count; n++) nodes.add(new NodeInfo(site, "n" + n, capacity, slots, drivers, tags));
        return nodes;
    }
}
