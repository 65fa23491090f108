package dev.atoll.control.federation;

import static dev.atoll.control.Fixtures.aService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.agent.NetworkAttachment;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.view.NetworkView;
import dev.atoll.net.ipam.NetworkAddressing;
import dev.atoll.net.ipam.Subnet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Addresses on tenant networks, chosen by each environment's home as it places replicas: three real
 * sites in one JVM with fake agents, which show what the agents are told.
 */
class NetworkAddressesTest {
    @TempDir
    Path dir;

    private Sites sites;

    @AfterEach
    void stop() {
        if (sites != null) sites.close();
    }

    private static EnvironmentSpec onBackend(String name, int replicas) {
        ServiceSpec plain = aService("web", replicas);
        ServiceSpec web = new ServiceSpec(
                plain.name(),
                plain.driver(),
                plain.command(),
                plain.env(),
                new dev.atoll.model.Resources(100, 64L << 20),
                List.of("http"),
                plain.health(),
                replicas,
                plain.restart(),
                plain.placement(),
                plain.image(),
                false,
                List.of(),
                List.of("backend"),
                List.of(new dev.atoll.model.spec.Expose("http", 8080)));
        return new EnvironmentSpec(name, "acme", Map.of("web", web), List.of("backend"));
    }

    /** What the agents were told, for every replica of the tenant: instance key to its attachment. */
    private Map<String, NetworkAttachment> attachments() {
        Map<String, NetworkAttachment> found = new java.util.TreeMap<>();
        sites.agents
                .values()
                .forEach(list -> list.forEach(agent -> {
                    for (InstanceAssignment a : agent.assigned.values()) {
                        assertThat(a.networks()).as(a.id().key()).hasSize(1);
                        found.put(a.id().key(), a.networks().getFirst());
                    }
                }));
        return found;
    }

    private boolean allRunning(String environment, int count) {
        List<InstanceView> all = sites.cloud.instances("acme", environment, null);
        return all.size() == count && all.stream().allMatch(i -> i.state() == InstanceState.RUNNING);
    }

    @Test
    void everyReplicaOfATenantNetworkGetsAnAddressOfItsOwnInTheNetworksSubnet() throws Exception {
        sites = Sites.start(dir, 2, "london", "frankfurt", "paris");

        sites.cloud.create(onBackend("shop", 6));
        sites.cloud.create(onBackend("blog", 4));

        await().atMost(Duration.ofSeconds(20)).until(() -> allRunning("shop", 6) && allRunning("blog", 4));
        var plan = NetworkAddressing.defaults().plan("acme", "backend");
        Map<String, NetworkAttachment> told = attachments();
        assertThat(told).hasSize(10);
        Set<String> addresses = new HashSet<>();
        for (NetworkAttachment a : told.values()) {
            assertThat(a.network()).isEqualTo("backend");
            assertThat(a.vni()).isEqualTo(plan.vni());
            assertThat(a.subnet()).isEqualTo(plan.subnet().toString());
            assertThat(plan.subnet().contains(a.address())).as(a.address()).isTrue();
            assertThat(Subnet.parse("100.127.0.0/16").contains(a.address())).isFalse();
            addresses.add(a.address());
        }
        assertThat(addresses).as("no two replicas share an address").hasSize(10);
        // Users see the same addresses the agents were told.
        for (InstanceView i : sites.cloud.instances("acme", "shop", null)) {
            assertThat(i.addresses())
                    .containsEntry("backend", told.get("acme/" + i.id()).address());
        }
    }

    @Test
    void everySiteLearnsEveryMemberAndTheNetworkShowsItsSitesAndMembers() throws Exception {
        sites = Sites.start(dir, 2, "london", "frankfurt", "paris");

        sites.cloud.create(onBackend("shop", 6));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> allRunning("shop", 6)
                        && sites.controllers.values().stream()
                                .allMatch(c -> c.networkDirectory().members().size() == 6));
        List<NetworkView> networks = sites.cloud.networks("acme");
        assertThat(networks).hasSize(1);
        NetworkView backend = networks.getFirst();
        assertThat(backend.name()).isEqualTo("backend");
        assertThat(backend.members()).hasSize(6).allMatch(m -> m.state().equals("running"));
        assertThat(new HashSet<>(backend.sites())).isEqualTo(runningSites());
        assertThat(sites.cloud.networks("globex"))
                .as("another tenant sees none of it")
                .isEmpty();
        // Nodes are told the members of the tenants they run, with what each publishes.
        var controller = sites.controllers.get("london");
        var view = controller.networkViewFor("n1");
        assertThat(view.site()).isEqualTo("london");
        if (controller.read(s -> s.instancesOn("n1")) > 0) {
            assertThat(view.members()).hasSize(6).allMatch(m -> !m.expose().isEmpty());
        }
    }

    @Test
    void aReplicaPlacedAgainAfterItsNodeDiesGetsANewAddressAndTheOldOneIsFreed() throws Exception {
        sites = Sites.start(dir, 2, "london", "frankfurt", "paris");
        sites.cloud.create(onBackend("shop", 3));
        await().atMost(Duration.ofSeconds(20)).until(() -> allRunning("shop", 3));
        Map<String, NetworkAttachment> before = attachments();
        FakeAgent victim = sites.agents.values().stream()
                .flatMap(List::stream)
                .filter(a -> !a.running.isEmpty())
                .findFirst()
                .orElseThrow();
        List<String> lost = new ArrayList<>(victim.running.keySet());

        victim.crash();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> allRunning("shop", 3)
                        && lost.stream().allMatch(key -> sites.cloud.instances("acme", "shop", null).stream()
                                .anyMatch(i -> ("acme/" + i.id()).equals(key) && i.generation() > 1)));
        Map<String, NetworkAttachment> after = attachments();
        for (String key : lost) {
            assertThat(after.get(key).address())
                    .as(key)
                    .isNotEqualTo(before.get(key).address());
        }
        for (String key : before.keySet()) {
            if (!lost.contains(key))
                assertThat(after.get(key)).as("kept: " + key).isEqualTo(before.get(key));
        }
    }

    private Set<String> runningSites() {
        Set<String> found = new HashSet<>();
        sites.agents.forEach((site, list) -> list.forEach(a -> {
            if (!a.running.isEmpty()) found.add(site);
        }));
        return found;
    }
}
