package dev.atoll.bench.instance;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.model.topology.Topologies;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A hundred real cities where a cloud could have sites. The first thirty are those of {@link
 * Topologies#generated} in the same order (continents alternate, so a few sites already span
 * several jurisdictions); the next seventy add second and third cities in the same countries and
 * new ones, so that jurisdictions such as the EU, the US, Japan or India hold several sites and a
 * service can be spread inside one.
 */
final class Cities {
    private record City(String name, double lat, double lon, String country) {}

    private static final List<City> ALL = List.of(
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
            new City("dallas", 32.7767, -96.7970, "US"),
            new City("seattle", 47.6062, -122.3321, "US"),
            new City("osaka", 34.6937, 135.5023, "JP"),
            new City("lyon", 45.7640, 4.8357, "FR"),
            new City("bangalore", 12.9716, 77.5946, "IN"),
            new City("montreal", 45.5017, -73.5673, "CA"),
            new City("melbourne", -37.8136, 144.9631, "AU"),
            new City("barcelona", 41.3851, 2.1734, "ES"),
            new City("rio-de-janeiro", -22.9068, -43.1729, "BR"),
            new City("hamburg", 53.5511, 9.9937, "DE"),
            new City("jakarta", -6.2088, 106.8456, "ID"),
            new City("miami", 25.7617, -80.1918, "US"),
            new City("brussels", 50.8503, 4.3517, "BE"),
            new City("cape-town", -33.9249, 18.4241, "ZA"),
            new City("copenhagen", 55.6761, 12.5683, "DK"),
            new City("taipei", 25.0330, 121.5654, "TW"),
            new City("denver", 39.7392, -104.9903, "US"),
            new City("lisbon", 38.7223, -9.1393, "PT"),
            new City("santiago", -33.4489, -70.6693, "CL"),
            new City("munich", 48.1351, 11.5820, "DE"),
            new City("chennai", 13.0827, 80.2707, "IN"),
            new City("vancouver", 49.2827, -123.1207, "CA"),
            new City("helsinki", 60.1699, 24.9384, "FI"),
            new City("lagos", 6.5244, 3.3792, "NG"),
            new City("prague", 50.0755, 14.4378, "CZ"),
            new City("bangkok", 13.7563, 100.5018, "TH"),
            new City("phoenix", 33.4484, -112.0740, "US"),
            new City("edinburgh", 55.9533, -3.1883, "GB"),
            new City("buenos-aires", -34.6037, -58.3816, "AR"),
            new City("rome", 41.9028, 12.4964, "IT"),
            new City("delhi", 28.7041, 77.1025, "IN"),
            new City("boston", 42.3601, -71.0589, "US"),
            new City("marseille", 43.2965, 5.3698, "FR"),
            new City("auckland", -36.8485, 174.7633, "NZ"),
            new City("budapest", 47.4979, 19.0402, "HU"),
            new City("kuala-lumpur", 3.1390, 101.6869, "MY"),
            new City("san-francisco", 37.7749, -122.4194, "US"),
            new City("athens", 37.9838, 23.7275, "GR"),
            new City("nairobi", -1.2921, 36.8219, "KE"),
            new City("bucharest", 44.4268, 26.1025, "RO"),
            new City("manila", 14.5995, 120.9842, "PH"),
            new City("washington", 38.9072, -77.0369, "US"),
            new City("brisbane", -27.4698, 153.0251, "AU"),
            new City("sofia", 42.6977, 23.3219, "BG"),
            new City("bogota", 4.7110, -74.0721, "CO"),
            new City("nagoya", 35.1815, 136.9066, "JP"),
            new City("zagreb", 45.8150, 15.9819, "HR"),
            new City("houston", 29.7604, -95.3698, "US"),
            new City("tel-aviv", 32.0853, 34.7818, "IL"),
            new City("riga", 56.9496, 24.1052, "LV"),
            new City("calgary", 51.0447, -114.0719, "CA"),
            new City("busan", 35.1796, 129.0756, "KR"),
            new City("bratislava", 48.1486, 17.1077, "SK"),
            new City("lima", -12.0464, -77.0428, "PE"),
            new City("cairo", 30.0444, 31.2357, "EG"),
            new City("rotterdam", 51.9244, 4.4777, "NL"),
            new City("minneapolis", 44.9778, -93.2650, "US"),
            new City("hyderabad", 17.3850, 78.4867, "IN"),
            new City("vilnius", 54.6872, 25.2797, "LT"),
            new City("perth", -31.9505, 115.8605, "AU"),
            new City("gothenburg", 57.7089, 11.9746, "SE"),
            new City("ljubljana", 46.0569, 14.5058, "SI"),
            new City("istanbul", 41.0082, 28.9784, "TR"),
            new City("tallinn", 59.4370, 24.7536, "EE"),
            new City("riyadh", 24.7136, 46.6753, "SA"),
            new City("porto", 41.1579, -8.6291, "PT"),
            new City("salt-lake-city", 40.7608, -111.8910, "US"),
            new City("luxembourg", 49.6116, 6.1319, "LU"),
            new City("ho-chi-minh-city", 10.8231, 106.6297, "VN"),
            new City("birmingham", 52.4862, -1.8904, "GB"),
            new City("kyiv", 50.4501, 30.5234, "UA"));

    static final int COUNT = ALL.size();

    private Cities() {}

    /**
     * The first {@code count} cities as sites, under the law of their country ({@link
     * Topologies#jurisdictionOf}). Past the list, names repeat with a suffix (london-2): a second
     * site in the same city.
     */
    static List<SiteInfo> sites(int count) {
        List<SiteInfo> sites = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            City city = ALL.get(i % ALL.size());
            int round = i / ALL.size();
            String name = round == 0 ? city.name() : city.name() + "-" + (round + 1);
            sites.add(new SiteInfo(
                    name,
                    new GeoPoint(city.lat(), city.lon()),
                    city.country(),
                    Topologies.jurisdictionOf(city.country()),
                    Set.of()));
        }
        return sites;
    }
}
