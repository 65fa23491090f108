package dev.atoll.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.agent.NetworkAttachment;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.network.NetworkMember;
import dev.atoll.net.dns.DnsEndpoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantNetworksTest {
    private static final int BACKEND = 4242;
    private static final int FRONT = 77;

    private static NetworkMember member(
            String tenant, int index, String site, String nodeAddress, InstanceState state, NetworkAttachment... on) {
        return new NetworkMember(
                new InstanceId(tenant, "shop", "web", index),
                1,
                site,
                "n" + index,
                nodeAddress,
                state,
                List.of(on),
                Map.of("http", 20000 + index),
                List.of());
    }

    private static NetworkAttachment backend(String address) {
        return new NetworkAttachment("backend", BACKEND, "100.64.16.0/20", address);
    }

    private static NetworkAttachment front(String address) {
        return new NetworkAttachment("front", FRONT, "100.64.32.0/20", address);
    }

    @Test
    void tunnelsOfASegmentGoToEveryOtherNodeWithAMemberOnItAndToNoOtherNode() {
        var members = List.of(
                member("acme", 0, "london", "198.18.0.2", InstanceState.RUNNING, backend("100.64.16.2")),
                member("acme", 1, "paris", "198.18.0.3", InstanceState.STARTING, backend("100.64.16.3")),
                member("acme", 2, "paris", "198.18.0.3", InstanceState.RUNNING, backend("100.64.16.4")),
                member("acme", 3, "frankfurt", "198.18.0.4", InstanceState.RUNNING, front("100.64.32.2")),
                member("acme", 4, "dev", "", InstanceState.RUNNING, backend("100.64.16.5")));

        assertThat(TenantNetworks.tunnelEnds(members, BACKEND, "198.18.0.2")).containsExactly("198.18.0.3");
        assertThat(TenantNetworks.tunnelEnds(members, BACKEND, "198.18.0.4"))
                .containsExactly("198.18.0.2", "198.18.0.3");
        assertThat(TenantNetworks.tunnelEnds(members, FRONT, "198.18.0.4")).isEmpty();
    }

    @Test
    void dnsNamesEveryAddressOfEveryMemberOnceWithItsHealthAndSite() {
        var members = List.of(
                member(
                        "acme",
                        0,
                        "london",
                        "198.18.0.2",
                        InstanceState.RUNNING,
                        backend("100.64.16.2"),
                        front("100.64.32.2")),
                member("acme", 1, "paris", "198.18.0.3", InstanceState.UNHEALTHY, backend("100.64.16.3")),
                // The same copy reported twice (by the old and new site during a move) is named once.
                member("acme", 1, "paris", "198.18.0.3", InstanceState.UNHEALTHY, backend("100.64.16.3")));

        List<DnsEndpoint> endpoints = TenantNetworks.endpoints(members);

        assertThat(endpoints)
                .extracting(DnsEndpoint::address, DnsEndpoint::site, DnsEndpoint::healthy)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("100.64.16.2", "london", true),
                        org.assertj.core.groups.Tuple.tuple("100.64.32.2", "london", true),
                        org.assertj.core.groups.Tuple.tuple("100.64.16.3", "paris", false));
        assertThat(endpoints.getFirst().ports()).containsEntry("http", 20000);
        assertThat(endpoints)
                .allMatch(e -> e.tenant().equals("acme") && e.service().equals("web"));
    }
}
