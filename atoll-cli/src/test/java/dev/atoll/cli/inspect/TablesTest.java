package dev.atoll.cli.inspect;

import static dev.atoll.cli.testing.Contract.T0;
import static dev.atoll.cli.testing.Contract.instance;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.view.CloudEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TablesTest {
    private static final Instant NOW = T0.plusSeconds(90);

    @Test
    void instancesShowTheirPortsAndAge() {
        var table = Tables.instances(
                List.of(
                        instance("hello.web.0", "london", InstanceState.RUNNING),
                        instance("hello.web.1", "frankfurt", InstanceState.PENDING)),
                false,
                NOW);

        assertThat(table.render()).isEqualTo("""
                ID            SITE        NODE          STATE     GEN   PORTS        AGE
                hello.web.0   london      london-1      running   1     http=41000   90s
                hello.web.1   frankfurt   frankfurt-1   pending   1     -            -
                """);
    }

    @Test
    void wideInstancesAddPidRestartsAddressesAndMessage() {
        var table = Tables.instances(
                List.of(instance("hello.web.0", "london", InstanceState.CRASH_LOOPING, "exited with code 1")),
                true,
                NOW);

        assertThat(table.render().lines().toList().getLast())
                .isEqualTo("hello.web.0   london   london-1   crash-looping   1     -       -     -     0"
                        + "          -           exited with code 1");
    }

    @Test
    void wideInstancesShowTheAddressOnEveryNetworkSortedByNetwork() {
        var view = new InstanceView(
                "a.b.0",
                "acme",
                "a",
                "b",
                "london",
                "london-1",
                InstanceState.RUNNING,
                1,
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                0,
                "",
                Map.of("front", "100.64.32.2", "backend", "100.64.16.2"));

        assertThat(Tables.addresses(view)).isEqualTo("backend=100.64.16.2,front=100.64.32.2");
    }

    @Test
    void networksListSubnetSitesAndMemberCount() {
        var network = new dev.atoll.model.view.NetworkView(
                "acme",
                "backend",
                4242,
                "100.64.16.0/20",
                List.of("london", "paris"),
                List.of(
                        new dev.atoll.model.view.NetworkView.Member(
                                "kv.web.0", "london", "n1", "100.64.16.2", "running"),
                        new dev.atoll.model.view.NetworkView.Member(
                                "kv.web.1", "paris", "n1", "100.64.16.3", "running")));

        assertThat(Tables.networks(List.of(network), false).render().lines().toList())
                .containsExactly(
                        "NAME      SUBNET           SITES          MEMBERS",
                        "backend   100.64.16.0/20   london,paris   2");
        assertThat(DescribeCommand.describe(network))
                .contains("Segment:  VXLAN 4242")
                .contains("kv.web.1   100.64.16.3   paris");
    }

    @Test
    void portsAreSortedByName() {
        var view = new InstanceView(
                "a.b.0",
                "default",
                "a",
                "b",
                "london",
                "london-1",
                InstanceState.RUNNING,
                2,
                Map.of("metrics", 2, "admin", 1, "http", 3),
                Optional.empty(),
                Optional.empty(),
                0,
                null);

        assertThat(Tables.ports(view)).isEqualTo("admin=1,http=3,metrics=2");
    }

    @Test
    void eventsReadAsATableAndAsStreamLines() {
        var event = new CloudEvent(
                3, T0.plusMillis(1500), "instance-started", "london", "hello", "hello.web.0", "started on london-1");

        assertThat(Tables.events(List.of(event)).render()).isEqualTo("""
                TIME                   TYPE               SITE     ENVIRONMENT   INSTANCE      MESSAGE
                2025-01-01T10:00:01Z   instance-started   london   hello         hello.web.0   started on london-1
                """);
        assertThat(Tables.eventLine(event))
                .isEqualTo("2025-01-01T10:00:01Z  instance-started        london        hello.web.0               "
                        + "started on london-1");
    }
}
