package dev.atoll.net.dns;

import dev.atoll.net.ipam.Ipv4;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * An immutable snapshot of every name under {@code atoll.}, with its answers built in advance:
 * {@link #of} does the sorting and record building once per change, so {@link #lookup} is a map
 * read. Names are case-insensitive ({@link Name} compares them so).
 *
 * <p>Answers are ordered for the client to take the first: replicas at the local site, then by
 * round-trip time to their site (unknown last), then by index. A service name lists healthy
 * replicas only; an index name answers for its replica whatever its health, so that a peer of a
 * clustered service can reach a member that is still starting. Where two endpoints share an index
 * (an instance being re-placed), one stands for it everywhere: the first healthy one with an
 * address in that order, else the first with an address.
 *
 * <p>Names that exist only as parents ({@code prod.acme.atoll}, {@code _tcp.web.prod.acme.atoll})
 * answer NODATA, not NXDOMAIN, because NXDOMAIN tells a resolver that nothing exists below them
 * (RFC 8020).
 */
public final class NameTable {
    public static final Name ZONE = Name.fromConstantString("atoll.");
    /** Instances move; a cached answer older than a second may point at one that is gone. */
    public static final long TTL_SECONDS = 1;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Answer NO_SUCH_NAME = new Answer.NoSuchName();
    private static final Answer NO_DATA = new Answer.NoData();
    private static final Answer REFUSED = new Answer.Refused();
    private static final NameTable EMPTY = new NameTable(Map.of());

    /** A name that exists, the tenant it belongs to, and its answers by type (null: none). */
    private record Entry(String tenant, Answer.Found a, Answer.Found srv) {
        Answer answer(int type) {
            Answer.Found found =
                    switch (type) {
                        case Type.A -> a;
                        case Type.SRV -> srv;
                        default -> null;
                    };
            return found == null ? NO_DATA : found;
        }
    }

    private final Map<Name, Entry> entries;

    private NameTable(Map<Name, Entry> entries) {
        this.entries = entries;
    }

    public static NameTable empty() {
        return EMPTY;
    }

    /**
     * Builds the table. {@code rttMicrosToSite} is asked once per site; a negative answer means the
     * round-trip time is unknown. Endpoints whose names are not DNS labels, and addresses that are
     * not IPv4, are left out: no query could name them, no A record could hold them.
     */
    public static NameTable of(
            Collection<DnsEndpoint> endpoints, String localSite, ToLongFunction<String> rttMicrosToSite) {
        Map<String, Long> rttBySite = new HashMap<>();
        Comparator<DnsEndpoint> nearestFirst = Comparator.<DnsEndpoint, Boolean>comparing(
                        e -> !e.site().equals(localSite))
                .thenComparingLong(e -> rttBySite.computeIfAbsent(e.site(), site -> knownOrLast(rttMicrosToSite, site)))
                .thenComparingInt(DnsEndpoint::index)
                .thenComparing(DnsEndpoint::site)
                .thenComparing(e -> e.hasAddress() ? e.address() : "");

        Map<Name, List<DnsEndpoint>> byService = new LinkedHashMap<>();
        for (DnsEndpoint endpoint : endpoints) {
            Name service = serviceName(endpoint);
            if (service != null)
                byService.computeIfAbsent(service, n -> new ArrayList<>()).add(endpoint);
        }
        Map<Name, Entry> entries = new HashMap<>();
        for (var service : byService.entrySet()) {
            List<DnsEndpoint> replicas = new ArrayList<>(service.getValue());
            replicas.sort(nearestFirst);
            addService(entries, service.getKey(), replicas);
        }
        return new NameTable(Map.copyOf(entries));
    }

    /** How the server asks; {@code name} comes from the query, so no parsing is needed. */
    public Answer lookup(String clientTenant, Name name, int type) {
        if (!name.isAbsolute() || !name.subdomain(ZONE)) return REFUSED;
        if (name.labels() == ZONE.labels()) return NO_DATA;
        Entry entry = entries.get(name);
        if (entry == null || !entry.tenant().equalsIgnoreCase(clientTenant)) return NO_SUCH_NAME;
        return entry.answer(type);
    }

    /** The same, for a name in text; a trailing dot is optional. */
    public Answer lookup(String clientTenant, String name, int type) {
        try {
            return lookup(clientTenant, Name.fromString(name, Name.root), type);
        } catch (TextParseException e) {
            return REFUSED;
        }
    }

    /** How many names exist (services, replicas, SRV names and their parents); for reports. */
    public int size() {
        return entries.size();
    }

    private static long knownOrLast(ToLongFunction<String> rttMicrosToSite, String site) {
        long rtt = rttMicrosToSite.applyAsLong(site);
        return rtt < 0 ? Long.MAX_VALUE : rtt;
    }

    private static void addService(Map<Name, Entry> entries, Name service, List<DnsEndpoint> replicas) {
        String tenant = replicas.get(0).tenant().toLowerCase(Locale.ROOT);
        Map<Integer, DnsEndpoint> standing = standingReplicas(replicas);
        Map<Integer, ARecord> addressByIndex = new HashMap<>();
        for (var replica : standing.entrySet()) {
            Name indexName = child(service, Integer.toString(replica.getKey()));
            if (indexName == null) continue;
            ARecord a = aRecord(indexName, replica.getValue());
            if (a != null) addressByIndex.put(replica.getKey(), a);
            entries.put(indexName, new Entry(tenant, a == null ? null : new Answer.Found(List.of(a), List.of()), null));
        }

        List<Record> serviceAddresses = new ArrayList<>();
        TreeSet<String> portNames = new TreeSet<>();
        for (DnsEndpoint replica : replicas) {
            replica.ports().keySet().forEach(port -> portNames.add(port.toLowerCase(Locale.ROOT)));
            if (standing.get(replica.index()) != replica || !replica.healthy()) continue;
            ARecord a = addressByIndex.get(replica.index());
            if (a != null) serviceAddresses.add(a.withName(service));
        }
        entries.put(service, new Entry(tenant, foundOrNull(serviceAddresses, List.of()), null));

        Name tcp = child(service, "_tcp");
        for (String port : portNames) {
            Name srvName = LABEL.matcher(port).matches() ? child(tcp, "_" + port) : null;
            if (srvName == null) continue;
            List<Record> targets = new ArrayList<>();
            List<Record> additional = new ArrayList<>();
            for (DnsEndpoint replica : replicas) {
                ARecord a = addressByIndex.get(replica.index());
                Integer number = portNumber(replica, port);
                if (standing.get(replica.index()) != replica || !replica.healthy() || a == null || number == null) {
                    continue;
                }
                targets.add(new SRVRecord(srvName, DClass.IN, TTL_SECONDS, 0, 0, number, a.getName()));
                additional.add(a);
            }
            entries.put(srvName, new Entry(tenant, null, foundOrNull(targets, additional)));
            entries.putIfAbsent(tcp, new Entry(tenant, null, null));
        }
        for (Name parent = parent(service); parent.labels() > ZONE.labels(); parent = parent(parent)) {
            entries.putIfAbsent(parent, new Entry(tenant, null, null));
        }
    }

    /** The replica that answers for each index; see the class comment. Keeps the given order. */
    private static Map<Integer, DnsEndpoint> standingReplicas(List<DnsEndpoint> replicas) {
        Map<Integer, DnsEndpoint> standing = new LinkedHashMap<>();
        for (DnsEndpoint replica : replicas) {
            standing.merge(replica.index(), replica, (current, other) -> rank(other) < rank(current) ? other : current);
        }
        return standing;
    }

    private static int rank(DnsEndpoint replica) {
        if (replica.healthy() && replica.hasAddress()) return 0;
        return replica.hasAddress() ? 1 : 2;
    }

    private static Integer portNumber(DnsEndpoint replica, String lowerCasePortName) {
        for (var port : replica.ports().entrySet()) {
            if (port.getKey().toLowerCase(Locale.ROOT).equals(lowerCasePortName)) {
                int number = port.getValue() == null ? 0 : port.getValue();
                return number >= 1 && number <= 65535 ? number : null;
            }
        }
        return null;
    }

    private static Answer.Found foundOrNull(List<Record> answers, List<Record> additional) {
        return answers.isEmpty() ? null : new Answer.Found(answers, additional);
    }

    private static ARecord aRecord(Name name, DnsEndpoint replica) {
        if (!replica.hasAddress()) return null;
        try {
            InetAddress address = InetAddress.getByAddress(Ipv4.bytes(Ipv4.parse(replica.address())));
            return new ARecord(name, DClass.IN, TTL_SECONDS, address);
        } catch (IllegalArgumentException | UnknownHostException e) {
            return null;
        }
    }

    private static Name serviceName(DnsEndpoint endpoint) {
        String service = endpoint.service().toLowerCase(Locale.ROOT);
        String environment = endpoint.environment().toLowerCase(Locale.ROOT);
        String tenant = endpoint.tenant().toLowerCase(Locale.ROOT);
        if (!LABEL.matcher(service).matches()
                || !LABEL.matcher(environment).matches()
                || !LABEL.matcher(tenant).matches()) {
            return null;
        }
        return child(child(child(ZONE, tenant), environment), service);
    }

    /** The child name, or null where it would pass DNS's 255-byte limit: no query could ask it. */
    private static Name child(Name parent, String label) {
        if (parent == null) return null;
        try {
            return Name.concatenate(Name.fromString(label), parent);
        } catch (TextParseException | NameTooLongException e) {
            return null;
        }
    }

    private static Name parent(Name name) {
        return new Name(name, 1);
    }
}
