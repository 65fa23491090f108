package dev.atoll.net.plumbing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing {@code ip -o link show}, from lines as iproute2 6.1 prints them. */
class LinkTest {
    static final String OUTPUT = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
            2: eth0@if7337: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 26:16:20:fd:89:a8 brd ff:ff:ff:ff:ff:ff link-netnsid 0
            3: atnx000064: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master atnb000064 state UNKNOWN mode DEFAULT group default qlen 1000\\    link/ether 5a:3a:14:2d:1e:7b brd ff:ff:ff:ff:ff:ff
            4: atnb000064: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 5a:3a:14:2d:1e:7b brd ff:ff:ff:ff:ff:ff
            5: atnv00000001@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master atnb000064 state UP mode DEFAULT group default qlen 1000\\    link/ether ae:73:f4:07:a1:7c brd ff:ff:ff:ff:ff:ff link-netns tenant-a\\    alias atoll-net netns=tenant-a vni=100
            6: atnvtest@atnptest: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 86:18:f4:8d:32:3e brd ff:ff:ff:ff:ff:ff
            """;

    @Test
    void aVethOnABridgeShowsItsMasterPeerAndPeerNamespace() {
        Link veth = Link.parseAll(OUTPUT).get(4);
        assertThat(veth.index()).isEqualTo(5);
        assertThat(veth.name()).isEqualTo("atnv00000001");
        assertThat(veth.peerIndex()).isEqualTo(2);
        assertThat(veth.up()).isTrue();
        assertThat(veth.mtu()).isEqualTo(1450);
        assertThat(veth.master()).hasValue("atnb000064");
        assertThat(veth.peerNamespace()).hasValue("tenant-a");
        assertThat(veth.mac()).hasValue("ae:73:f4:07:a1:7c");
        assertThat(veth.alias()).hasValue("atoll-net netns=tenant-a vni=100");
    }

    @Test
    void aPeerInANamespaceWithoutANameShowsOnlyItsId() {
        Link eth0 = Link.parseAll(OUTPUT).get(1);
        assertThat(eth0.name()).isEqualTo("eth0");
        assertThat(eth0.peerNamespace()).isEmpty();
        assertThat(eth0.master()).isEmpty();
    }

    @Test
    void aVethWhosePeerIsInTheSameNamespaceNamesThePeer() {
        Link veth = Link.parseAll(OUTPUT).get(5);
        assertThat(veth.peer()).isEqualTo("atnptest");
        assertThat(veth.peerIndex()).isEqualTo(-1);
        assertThat(veth.up()).isFalse();
        assertThat(veth.alias()).isEmpty();
    }

    @Test
    void everyDeviceLineIsParsedAndNothingElse() {
        List<Link> links = Link.parseAll(OUTPUT + "\nnot a device line\n");
        assertThat(links)
                .extracting(Link::name)
                .containsExactly("lo", "eth0", "atnx000064", "atnb000064", "atnv00000001", "atnvtest");
    }
}
