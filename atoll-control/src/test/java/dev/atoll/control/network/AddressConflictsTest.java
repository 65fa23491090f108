package dev.atoll.control.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.site.SiteState.ReplicaPlacement;
import dev.atoll.model.agent.NetworkAttachment;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.network.NetworkMember;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressConflictsTest {
    private static NetworkAttachment on(String network, String address) {
        return new NetworkAttachment(network, 7, "100.64.16.0/20", address);
    }

    private static ReplicaPlacement placed(String tenant, String env, int index, NetworkAttachment... networks) {
        return new ReplicaPlacement(new InstanceId(tenant, env, "web", index), "london", 1, 1, List.of(networks));
    }

    private static NetworkMember running(String tenant, String env, int index, NetworkAttachment... networks) {
        return new NetworkMember(
                new InstanceId(tenant, env, "web", index),
                1,
                "paris",
                "n1",
                "198.18.0.3",
                InstanceState.RUNNING,
                List.of(networks),
                Map.of(),
                List.of());
    }

    @Test
    void ofTwoReplicasHoldingOneAddressTheOneWithTheGreaterKeyGivesWayAtBothHomes() {
        var blog = placed("acme", "blog", 0, on("backend", "100.64.16.9"));
        var shop = placed("acme", "shop", 0, on("backend", "100.64.16.9"));
        var members = List.of(
                running("acme", "blog", 0, on("backend", "100.64.16.9")),
                running("acme", "shop", 0, on("backend", "100.64.16.9")));

        assertThat(AddressConflicts.losers(List.of(blog), members)).isEmpty();
        assertThat(AddressConflicts.losers(List.of(shop), members)).containsExactly("acme/shop.web.0");
    }

    @Test
    void aReplicaDoesNotClashWithItselfNorWithOtherNetworksOrTenants() {
        var shop = placed("acme", "shop", 1, on("backend", "100.64.16.9"));
        var members = List.of(
                running("acme", "shop", 1, on("backend", "100.64.16.9")),
                running("acme", "blog", 0, on("front", "100.64.16.9")),
                running("globex", "a", 0, on("backend", "100.64.16.9")));

        assertThat(AddressConflicts.losers(List.of(shop), members)).isEmpty();
    }
}
