package dev.atoll.net.plumbing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * NodeNetworks against a recording fake: given what {@code ip} and {@code bridge} show, exactly which changes it
 * makes. The same behaviour on real namespaces is in {@link NodeNetworksHostTest}.
 */
class NodeNetworksTest {
    static final String UNDERLAY = "198.18.0.2";
    static final String ADDRESSES = "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n"
            + "2: eth0    inet 198.18.0.2/24 brd 198.18.0.255 scope global eth0\\       valid_lft forever\n";
    static final String LO = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT"
            + " group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00";
    static final String ETH0 = "2: eth0@if9: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP"
            + " mode DEFAULT group default qlen 1000\\    link/ether 26:16:20:fd:89:a8 brd ff:ff:ff:ff:ff:ff"
            + " link-netnsid 0";

    static final String LINKS = "ip -o link show";
    static final String WEB = "tenant-a-web-0";
    static final Attachment WEB_ON_100 = new Attachment(WEB, 100, "eth1", "100.64.16.2", 20);
    static final String WEB_VETH = DeviceNames.hostVeth(WEB, 100);
    static final String WEB_PEER = DeviceNames.peerVeth(WEB, 100);

    final RecordingHostCommands host = RecordingHostCommands.canned().answer("ip -o -4 addr show", ADDRESSES);
    final NodeNetworks node = new NodeNetworks(host, UNDERLAY);

    static String links(String... lines) {
        return String.join("\n", LO, ETH0) + "\n" + String.join("\n", lines) + "\n";
    }

    static String bridge(int index, int vni) {
        return index + ": " + DeviceNames.bridge(vni) + ": <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue"
                + " state UP mode DEFAULT group default qlen 1000\\    link/ether 5a:3a:14:2d:1e:7b brd ff:ff:ff:ff:ff:ff";
    }

    static String vxlan(int index, int vni) {
        return index + ": " + DeviceNames.vxlan(vni) + ": <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue"
                + " master " + DeviceNames.bridge(vni) + " state UNKNOWN mode DEFAULT group default qlen 1000\\"
                + "    link/ether 5a:3a:14:2d:1e:7b brd ff:ff:ff:ff:ff:ff";
    }

    static String vxlanDetails(int vni, String local) {
        return "3: " + DeviceNames.vxlan(vni) + ": <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master "
                + DeviceNames.bridge(vni) + " state UNKNOWN mode DEFAULT group default qlen 1000\\    link/ether"
                + " 5a:3a:14:2d:1e:7b brd ff:ff:ff:ff:ff:ff promiscuity 1 minmtu 68 maxmtu 65535 \\    vxlan id " + vni
                + " local " + local
                + " dev eth0 srcport 0 0 dstport 4789 ttl auto ageing 300 udpcsum \\    bridge_slave"
                + " state forwarding priority 32 cost 100 learning on flood on addrgenmode none\n";
    }

    /** A host-side veth; {@code rest} is what follows the MAC, e.g. {@code " link-netns ns"}. */
    static String veth(int index, String name, String peer, String flags, String master, String rest) {
        return index + ": " + name + "@" + peer + ": <" + flags + "> mtu 1450 qdisc noqueue"
                + (master.isEmpty() ? "" : " master " + master) + " state UP mode DEFAULT group default qlen 1000\\"
                + "    link/ether ae:73:f4:07:a1:7c brd ff:ff:ff:ff:ff:ff" + rest;
    }

    static String webVeth(int index, String flags, String master) {
        return veth(
                index,
                WEB_VETH,
                "if2",
                flags,
                master,
                " link-netns " + WEB + "\\    alias atoll-net netns=" + WEB + " vni=100");
    }

    void givenSegment100WithFloodEntries(String... remotes) {
        host.answer(LINKS, links(vxlan(3, 100), bridge(4, 100)))
                .answer("ip -d -o link show dev atnx000064", vxlanDetails(100, UNDERLAY));
        StringBuilder fdb = new StringBuilder(
                "5a:3a:14:2d:1e:7b master atnb000064 permanent\n" + "66:5a:46:cb:99:19 dst 198.18.0.3 self\n");
        for (String remote : remotes) {
            fdb.append("00:00:00:00:00:00 dst ").append(remote).append(" self permanent\n");
        }
        host.answer("bridge fdb show dev atnx000064", fdb.toString());
    }

    @Nested
    class Segments {
        @Test
        void aBareNodeGetsABridgeAndAVxlanDeviceThatFloodsToTheOtherNodes() {
            host.answer(LINKS, links());

            node.ensureSegment(100, Set.of("198.18.0.4", "198.18.0.3"));

            assertThat(host.changes())
                    .containsExactly(
                            "ip link add name atnb000064 type bridge",
                            "ip link set dev atnb000064 addrgenmode none",
                            "ip link set dev atnb000064 mtu 1450 up",
                            "ip link add name atnx000064 type vxlan id 100 local 198.18.0.2 dev eth0 dstport 4789"
                                    + " learning",
                            "ip link set dev atnx000064 addrgenmode none",
                            "ip link set dev atnx000064 master atnb000064 mtu 1450 up",
                            "bridge fdb append 00:00:00:00:00:00 dev atnx000064 dst 198.18.0.3",
                            "bridge fdb append 00:00:00:00:00:00 dev atnx000064 dst 198.18.0.4");
        }

        @Test
        void floodEntriesAreSyncedByChangingOnlyTheDifferences() {
            givenSegment100WithFloodEntries("198.18.0.3", "198.18.0.4");

            node.ensureSegment(100, Set.of("198.18.0.3", "198.18.0.5"));

            assertThat(host.changes())
                    .containsExactly(
                            "bridge fdb append 00:00:00:00:00:00 dev atnx000064 dst 198.18.0.5",
                            "bridge fdb del 00:00:00:00:00:00 dev atnx000064 dst 198.18.0.4");
        }

        @Test
        void ensuringASegmentThatIsAlreadyRightChangesNothing() {
            givenSegment100WithFloodEntries("198.18.0.3", "198.18.0.4");

            node.ensureSegment(100, Set.of("198.18.0.3", "198.18.0.4"));

            assertThat(host.changes()).isEmpty();
        }

        @Test
        void theNodesOwnAddressIsNeverAFloodDestination() {
            givenSegment100WithFloodEntries("198.18.0.3");

            node.ensureSegment(100, Set.of("198.18.0.3", UNDERLAY));

            assertThat(host.changes()).isEmpty();
        }

        @Test
        void aVxlanDeviceMadeForAnotherUnderlayAddressIsReplaced() {
            givenSegment100WithFloodEntries("198.18.0.3");
            host.answer("ip -d -o link show dev atnx000064", vxlanDetails(100, "198.18.0.9"));

            node.ensureSegment(100, Set.of("198.18.0.3"));

            assertThat(host.changes())
                    .startsWith(
                            "ip link del dev atnx000064",
                            "ip link add name atnx000064 type vxlan id 100 local 198.18.0.2 dev eth0 dstport 4789"
                                    + " learning");
        }

        @Test
        void aBridgeThatIsDownIsBroughtUp() {
            givenSegment100WithFloodEntries("198.18.0.3");
            host.answer(LINKS, links(vxlan(3, 100), bridge(4, 100).replace("UP,LOWER_UP", "")));

            node.ensureSegment(100, Set.of("198.18.0.3"));

            assertThat(host.changes()).containsExactly("ip link set dev atnb000064 mtu 1450 up");
        }

        @Test
        void segmentsAreTheVnisWithABridgeHere() {
            host.answer(LINKS, links(vxlan(3, 100), bridge(4, 100), bridge(5, 0x1002), vxlan(6, 7)));

            assertThat(node.segments()).containsExactly(100, 0x1002);
        }

        @Test
        void removingASegmentRemovesItsInstancesVethsThenItsDevices() {
            host.answer(
                    LINKS,
                    links(vxlan(3, 100), bridge(4, 100), webVeth(5, "UP,LOWER_UP", "atnb000064"), bridge(6, 200)));

            node.removeSegment(100);

            assertThat(host.changes())
                    .containsExactly(
                            "ip link del dev " + WEB_VETH, "ip link del dev atnx000064", "ip link del dev atnb000064");
        }

        @Test
        void removingASegmentThatIsNotThereIsFine() {
            host.answer(LINKS, links())
                    .fail("ip link del dev atnx000064", 1, "Cannot find device \"atnx000064\"")
                    .fail("ip link del dev atnb000064", 1, "Cannot find device \"atnb000064\"");

            node.removeSegment(100);

            assertThat(host.changes()).hasSize(2);
        }
    }

    @Nested
    class Instances {
        @Test
        void attachingMakesAVethPairIntoTheNamespaceWithTheDerivedMacAndTheSegmentMtu() {
            host.answer(LINKS, links(vxlan(3, 100), bridge(4, 100)));

            node.attach(WEB_ON_100);

            assertThat(host.changes())
                    .containsExactly(
                            "ip link add name " + WEB_VETH + " mtu 1450 type veth peer name " + WEB_PEER
                                    + " mtu 1450 netns " + WEB,
                            "ip link set dev " + WEB_VETH + " alias atoll-net netns=" + WEB + " vni=100",
                            "ip link set dev " + WEB_VETH + " addrgenmode none master atnb000064 up",
                            "ip -n " + WEB + " link set dev " + WEB_PEER + " name eth1 address 02:a7:64:40:10:02",
                            "ip -n " + WEB + " addr add 100.64.16.2/20 dev eth1",
                            "ip -n " + WEB + " link set dev eth1 up",
                            "ip netns exec " + WEB + " arping -U -c 1 -I eth1 100.64.16.2");
        }

        @Test
        void withoutArpingNoGratuitousArpIsSent() {
            host.answer(LINKS, links(vxlan(3, 100), bridge(4, 100)))
                    .fail("sh -c command -v arping", 1, "")
                    .answer("busybox --list", "sh\nls\n");

            node.attach(WEB_ON_100);

            assertThat(host.changes()).noneMatch(c -> c.contains("arping"));
        }

        @Test
        void busyboxArpingStandsInForAMissingArping() {
            host.answer(LINKS, links(vxlan(3, 100), bridge(4, 100)))
                    .fail("sh -c command -v arping", 1, "")
                    .answer("busybox --list", "arp\narping\nash\n");

            node.attach(WEB_ON_100);

            assertThat(host.changes())
                    .last()
                    .isEqualTo("ip netns exec " + WEB + " busybox arping -U -c 1 -I eth1" + " 100.64.16.2");
        }

        @Test
        void attachingAnAttachedInstanceChangesNothing() {
            host.answer(
                            LINKS,
                            links(
                                    vxlan(3, 100),
                                    bridge(4, 100),
                                    webVeth(7, "BROADCAST,MULTICAST,UP,LOWER_UP", "atnb000064")))
                    .answer(
                            "ip -n " + WEB + " -o link show dev eth1",
                            "2: eth1@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode"
                                    + " DEFAULT group default qlen 1000\\    link/ether 02:a7:64:40:10:02 brd"
                                    + " ff:ff:ff:ff:ff:ff link-netns host-1\n")
                    .answer(
                            "ip -n " + WEB + " -o -4 addr show dev eth1",
                            "2: eth1    inet 100.64.16.2/20 scope global eth1\\       valid_lft forever\n");

            node.attach(WEB_ON_100);

            assertThat(host.changes()).isEmpty();
        }

        @Test
        void aHalfMadeAttachmentIsRemovedAndMadeAgain() {
            // The veth exists but never reached the bridge: an earlier attach crashed half-way.
            host.answer(LINKS, links(vxlan(3, 100), bridge(4, 100), webVeth(7, "BROADCAST,MULTICAST", "")));

            node.attach(WEB_ON_100);

            assertThat(host.changes()).first().isEqualTo("ip link del dev " + WEB_VETH);
            assertThat(host.changes()).contains("ip -n " + WEB + " addr add 100.64.16.2/20 dev eth1");
        }

        @Test
        void aFailedAttachSaysWhereAndWhyAndLeavesNothing() {
            host.answer(LINKS, links(vxlan(3, 100), bridge(4, 100)))
                    .fail(
                            "ip -n " + WEB + " addr add 100.64.16.2/20 dev eth1",
                            2,
                            "RTNETLINK answers: Permission" + " denied\n");

            assertThatThrownBy(() -> node.attach(WEB_ON_100))
                    .isInstanceOf(NetworkPlumbingException.class)
                    .hasMessageContaining("eth1 in namespace " + WEB)
                    .hasMessageContaining("RTNETLINK answers: Permission denied");
            assertThat(host.changes()).last().isEqualTo("ip link del dev " + WEB_VETH);
        }

        @Test
        void attachingToASegmentWithoutABridgeHereFails() {
            host.answer(LINKS, links());

            assertThatThrownBy(() -> node.attach(WEB_ON_100))
                    .isInstanceOf(NetworkPlumbingException.class)
                    .hasMessageContaining("atnb000064");
            assertThat(host.changes()).isEmpty();
        }

        @Test
        void aVethNameTakenByAnotherInstanceIsNotTouched() {
            host.answer(
                    LINKS,
                    links(
                            vxlan(3, 100),
                            bridge(4, 100),
                            veth(7, WEB_VETH, "if2", "UP", "atnb000064", "\\    alias atoll-net netns=other vni=9")));

            assertThatThrownBy(() -> node.attach(WEB_ON_100)).hasMessageContaining("netns=other vni=9");
            assertThat(host.changes()).isEmpty();
        }

        @Test
        void detachingRemovesTheHostEndOfTheVeth() {
            node.detach(WEB, 100);

            assertThat(host.changes()).containsExactly("ip link del dev " + WEB_VETH);
        }

        @Test
        void detachingADetachedInstanceIsFine() {
            host.fail("ip link del dev " + WEB_VETH, 1, "Cannot find device \"" + WEB_VETH + "\"");

            node.detach(WEB, 100);
        }

        @Test
        void aDetachThatTheKernelRefusesSaysWhy() {
            host.fail("ip link del dev " + WEB_VETH, 2, "RTNETLINK answers: Operation not permitted");

            assertThatThrownBy(() -> node.detach(WEB, 100))
                    .isInstanceOf(NetworkPlumbingException.class)
                    .hasMessageContaining(WEB_VETH)
                    .hasMessageContaining("Operation not permitted");
        }
    }

    @Nested
    class Reclaim {
        @Test
        void reclaimRemovesUnwantedSegmentsAndOrphanedVethsAndNothingElse() {
            String kept = veth(9, "atnv000000aa", "if2", "UP", "atnb000064", " link-netns tenant-a-db-0");
            String onUnwanted = veth(10, "atnv000000bb", "if2", "UP", "atnb0000c8", " link-netns tenant-b-db-0");
            String noBridge = veth(11, "atnv000000cc", "if2", "UP", "", " link-netns tenant-a-db-1");
            String namespaceGone = veth(12, "atnv000000dd", "if2", "UP", "atnb000064", " link-netnsid 4");
            String peerNeverMoved = veth(13, "atnv000000ee", "atnp000000ee", "UP", "atnb000064", "");
            String ociDevice = veth(14, "atoll5h", "if2", "UP", "", " link-netns atoll-oci-5");
            String before = links(
                    vxlan(3, 100),
                    bridge(4, 100),
                    vxlan(5, 200),
                    bridge(6, 200),
                    vxlan(7, 300),
                    kept,
                    onUnwanted,
                    noBridge,
                    namespaceGone,
                    peerNeverMoved,
                    ociDevice);
            String afterSegments = links(
                    vxlan(3, 100),
                    bridge(4, 100),
                    vxlan(7, 300),
                    kept,
                    noBridge,
                    namespaceGone,
                    peerNeverMoved,
                    ociDevice);
            host.answer(LINKS, before, before, afterSegments);

            node.reclaim(Set.of(100));

            assertThat(host.changes())
                    .containsExactly(
                            "ip link del dev atnv000000bb",
                            "ip link del dev atnx0000c8",
                            "ip link del dev atnb0000c8",
                            "ip link del dev atnx00012c",
                            "ip link del dev atnv000000cc",
                            "ip link del dev atnv000000dd",
                            "ip link del dev atnv000000ee");
        }

        @Test
        void reclaimingAnEmptyNodeChangesNothing() {
            host.answer(LINKS, links());

            node.reclaim(Set.of());

            assertThat(host.changes()).isEmpty();
        }
    }

    @Test
    void anUnderlayAddressOnNoInterfaceIsReported() {
        NodeNetworks elsewhere = new NodeNetworks(host, "198.18.0.77");
        host.answer(LINKS, links());

        assertThatThrownBy(() -> elsewhere.ensureSegment(100, Set.of()))
                .isInstanceOf(NetworkPlumbingException.class)
                .hasMessageContaining("198.18.0.77");
    }

    @Test
    void theUnderlayMustBeIpv4() {
        assertThatThrownBy(() -> new NodeNetworks(host, "fd00::1")).hasMessageContaining("IPv4");
    }
}
