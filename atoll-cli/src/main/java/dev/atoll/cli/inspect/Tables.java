package dev.atoll.cli.inspect;

import dev.atoll.cli.Table;
import dev.atoll.cli.Text;
import dev.atoll.cli.client.RemoteEnvironment;
import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.view.CloudEvent;
import dev.atoll.model.view.ImageView;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The tables `get`, `describe` and `events` print, one method per kind of row. */
public final class Tables {
    private Tables() {}

    public static Table sites(List<SiteView> sites, boolean wide) {
        var table = wide
                ? Table.of(
                        "NAME",
                        "COUNTRY",
                        "JURISDICTION",
                        "NODES",
                        "INSTANCES",
                        "CPU",
                        "MEMORY",
                        "HEALTH",
                        "LEADER",
                        "LAT",
                        "LON",
                        "TAGS")
                : Table.of("NAME", "COUNTRY", "JURISDICTION", "NODES", "INSTANCES", "CPU", "MEMORY", "HEALTH");
        for (SiteView s : sites) {
            var cells = new Object[] {
                s.name(),
                s.country(),
                s.jurisdiction(),
                s.nodes(),
                s.instances(),
                cpu(s.allocated(), s.capacity()),
                memory(s.allocated(), s.capacity()),
                s.health()
            };
            if (wide) {
                table.row(append(cells, s.leader(), coordinate(s.lat()), coordinate(s.lon()), tags(s.tags())));
            } else {
                table.row(cells);
            }
        }
        return table;
    }

    public static Table nodes(List<NodeView> nodes, boolean wide) {
        var table = wide
                ? Table.of("SITE", "NAME", "STATE", "CPU", "MEMORY", "INSTANCES", "DRIVERS", "TAGS", "DRIVER DETAILS")
                : Table.of("SITE", "NAME", "STATE", "CPU", "MEMORY", "INSTANCES", "DRIVERS");
        for (NodeView n : nodes) {
            var cells = new Object[] {
                n.site(),
                n.name(),
                n.state(),
                cpu(n.allocated(), n.capacity()),
                memory(n.allocated(), n.capacity()),
                n.instanceSlots() > 0 ? n.instances() + "/" + n.instanceSlots() : n.instances(),
                String.join(",", sorted(n.drivers()))
            };
            table.row(wide ? append(cells, tags(n.tags()), driverDetails(n)) : cells);
        }
        return table;
    }

    public static Table images(List<ImageView> images, boolean wide) {
        var table = wide
                ? Table.of("NAME", "DIGEST", "SIZE", "SITES", "IMPORTED")
                : Table.of("NAME", "DIGEST", "SIZE", "SITES");
        for (ImageView image : images) {
            String digest = wide ? image.digest() : shortDigest(image.digest());
            var cells = new Object[] {
                image.names().isEmpty() ? "<none>" : String.join(",", image.names()),
                digest,
                Text.memory(image.size()),
                String.join(",", image.sites())
            };
            table.row(wide ? append(cells, image.imported().toString()) : cells);
        }
        return table;
    }

    public static Table networks(List<dev.atoll.model.view.NetworkView> networks, boolean wide) {
        var table = wide
                ? Table.of("NAME", "SUBNET", "SITES", "MEMBERS", "VNI", "TENANT")
                : Table.of("NAME", "SUBNET", "SITES", "MEMBERS");
        for (var n : networks) {
            var cells = new Object[] {
                n.name(), n.subnet(), String.join(",", n.sites()), n.members().size()
            };
            table.row(wide ? append(cells, n.vni(), n.tenant()) : cells);
        }
        return table;
    }

    /** The members of one network, for `describe network`. */
    public static Table networkMembers(dev.atoll.model.view.NetworkView network) {
        var table = Table.of("INSTANCE", "ADDRESS", "SITE", "NODE", "STATE");
        for (var m : network.members()) table.row(m.instance(), m.address(), m.site(), m.node(), m.state());
        return table;
    }

    /** {@code sha256:} and the first 12 hex digits, as container tools show image ids. */
    static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        String hex = digest.substring(colon + 1);
        return digest.substring(0, colon + 1) + hex.substring(0, Math.min(12, hex.length()));
    }

    /** {@code microvm=tcg oci=runc 1.1.5}: how each driver runs on the node, where that matters. */
    private static String driverDetails(NodeView n) {
        if (n.driverDetails().isEmpty()) return "-";
        var parts = new java.util.ArrayList<String>();
        new java.util.TreeMap<>(n.driverDetails()).forEach((driver, detail) -> parts.add(driver + "=" + detail));
        return String.join(" ", parts);
    }

    public static Table environments(List<RemoteEnvironment> environments, boolean wide) {
        var table = wide
                ? Table.of("NAME", "SERVICES", "INSTANCES", "STATUS", "HOME", "VERSION", "TENANT", "UPDATED")
                : Table.of("NAME", "SERVICES", "INSTANCES", "STATUS", "HOME", "VERSION");
        for (RemoteEnvironment e : environments) {
            var cells = new Object[] {
                e.name(),
                e.services().size(),
                e.runningReplicas() + "/" + e.desiredReplicas(),
                e.status(),
                e.homeSite(),
                e.version()
            };
            table.row(wide ? append(cells, e.tenant(), time(e.updatedAt())) : cells);
        }
        return table;
    }

    public static Table instances(List<InstanceView> instances, boolean wide, Instant now) {
        var table = wide
                ? Table.of(
                        "ID", "SITE", "NODE", "STATE", "GEN", "PORTS", "AGE", "PID", "RESTARTS", "ADDRESSES", "MESSAGE")
                : Table.of("ID", "SITE", "NODE", "STATE", "GEN", "PORTS", "AGE");
        for (InstanceView i : instances) {
            var cells = new Object[] {
                i.id(),
                i.site(),
                i.node(),
                i.state().wireName(),
                i.generation(),
                ports(i),
                i.startedAt().map(t -> Text.age(Duration.between(t, now))).orElse(null)
            };
            table.row(wide ? append(cells, i.pid().orElse(null), i.restarts(), addresses(i), i.message()) : cells);
        }
        return table;
    }

    public static Table events(List<CloudEvent> events) {
        var table = Table.of("TIME", "TYPE", "SITE", "ENVIRONMENT", "INSTANCE", "MESSAGE");
        for (CloudEvent e : events) {
            table.row(time(e.time()), e.type(), e.site(), e.environment(), e.instance(), e.message());
        }
        return table;
    }

    /** One event on one line, for streams where a table cannot be aligned ahead of time. */
    public static String eventLine(CloudEvent e) {
        String subject = e.instance() != null ? e.instance() : e.environment();
        return String.format(
                        "%-20s  %-22s  %-12s  %-24s  %s",
                        time(e.time()),
                        e.type(),
                        e.site() == null ? "-" : e.site(),
                        subject == null ? "-" : subject,
                        e.message() == null ? "" : e.message())
                .stripTrailing();
    }

    /** "backend=100.64.16.2", sorted by network. */
    static String addresses(InstanceView instance) {
        if (instance.addresses().isEmpty()) return "-";
        var parts = new TreeMap<>(instance.addresses())
                .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return String.join(",", parts);
    }

    /** "http=41234,admin=41235", sorted by name so output is stable. */
    static String ports(InstanceView instance) {
        var parts = new TreeMap<>(instance.ports())
                .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return String.join(",", parts);
    }

    static String time(Instant time) {
        return time == null ? null : time.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String cpu(Resources allocated, Resources capacity) {
        if (capacity == null) return null;
        return Text.cpu(allocated == null ? 0 : allocated.cpuMillis()) + "/" + Text.cpu(capacity.cpuMillis());
    }

    private static String memory(Resources allocated, Resources capacity) {
        if (capacity == null) return null;
        return Text.memory(allocated == null ? 0 : allocated.memoryBytes()) + "/" + Text.memory(capacity.memoryBytes());
    }

    private static String coordinate(double degrees) {
        return String.format(java.util.Locale.ROOT, "%.2f", degrees);
    }

    private static String tags(Set<String> tags) {
        return tags == null ? null : String.join(",", sorted(tags));
    }

    private static Set<String> sorted(Set<String> values) {
        return values == null ? Set.of() : new TreeSet<>(values);
    }

    private static Object[] append(Object[] cells, Object... more) {
        var all = java.util.Arrays.copyOf(cells, cells.length + more.length);
        System.arraycopy(more, 0, all, cells.length, more.length);
        return all;
    }
}
