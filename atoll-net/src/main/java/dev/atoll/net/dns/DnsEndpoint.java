package dev.atoll.net.dns;

import java.util.Map;

/**
 * One replica of a service as DNS sees it: its name parts, its address on the tenant network
 * ({@code null} while it has none), its named ports, the site it runs at and whether its health
 * check passes.
 */
public record DnsEndpoint(
        String tenant,
        String environment,
        String service,
        int index,
        String address,
        Map<String, Integer> ports,
        String site,
        boolean healthy) {
    public DnsEndpoint {
        requireText(tenant, "tenant");
        requireText(environment, "environment");
        requireText(service, "service");
        requireText(site, "site");
        if (index < 0) throw new IllegalArgumentException("replica index " + index + " is negative");
        ports = ports == null ? Map.of() : Map.copyOf(ports);
        if (address != null && address.isBlank()) address = null;
    }

    public boolean hasAddress() {
        return address != null;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException("a DNS endpoint needs a " + what);
    }
}
