package dev.atoll.net.dns;

import java.util.Map;

/** Small fixtures: replicas of tenant "acme", environment "prod", unless said otherwise. */
final class Replicas {
    private Replicas() {}

    static DnsEndpoint healthy(String service, int index, String site, String address) {
        return new DnsEndpoint("acme", "prod", service, index, address, Map.of("http", 8000 + index), site, true);
    }

    static DnsEndpoint unhealthy(String service, int index, String site, String address) {
        return new DnsEndpoint("acme", "prod", service, index, address, Map.of("http", 8000 + index), site, false);
    }

    static DnsEndpoint ofTenant(String tenant, String service, int index, String address) {
        return new DnsEndpoint(tenant, "prod", service, index, address, Map.of("http", 8000 + index), "london", true);
    }
}
