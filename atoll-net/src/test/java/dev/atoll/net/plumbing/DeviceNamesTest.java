package dev.atoll.net.plumbing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceNamesTest {
    @Test
    void aSegmentsDevicesAreNamedAfterItsVniInSixHexDigits() {
        assertThat(DeviceNames.bridge(100)).isEqualTo("atnb000064");
        assertThat(DeviceNames.vxlan(100)).isEqualTo("atnx000064");
        assertThat(DeviceNames.bridge(0xabcdef)).isEqualTo("atnbabcdef");
    }

    @Test
    void theVniIsReadBackFromTheNamesAndOnlyFromOurs() {
        assertThat(DeviceNames.vniOfBridge("atnb000064")).hasValue(100);
        assertThat(DeviceNames.vniOfVxlan("atnxffffff")).hasValue(DeviceNames.MAX_VNI);
        assertThat(DeviceNames.vniOfBridge("atnx000064")).isEmpty();
        assertThat(DeviceNames.vniOfBridge("atnb000000")).isEmpty();
        assertThat(DeviceNames.vniOfBridge("atnb00006")).isEmpty();
        assertThat(DeviceNames.vniOfBridge("atb1234")).isEmpty();
    }

    @Test
    void everyNameFitsTheKernelAndStaysOutOfTheHarnessesAndTheOciDriversPrefixes() {
        List<String> names = List.of(
                DeviceNames.bridge(DeviceNames.MAX_VNI),
                DeviceNames.vxlan(DeviceNames.MAX_VNI),
                DeviceNames.hostVeth("atoll-oci-16383-with-a-long-name", DeviceNames.MAX_VNI),
                DeviceNames.peerVeth("atoll-oci-16383-with-a-long-name", DeviceNames.MAX_VNI));
        assertThat(names).allSatisfy(name -> assertThat(name)
                .hasSizeLessThanOrEqualTo(15)
                .startsWith("atn")
                .doesNotStartWith("atb")
                .doesNotStartWith("atoll"));
    }

    @Test
    void anInstancesVethIsNamedByAHashOfItsNamespaceAndVni() {
        String veth = DeviceNames.hostVeth("tenant-a-web-0", 100);
        assertThat(veth).matches("atnv[0-9a-f]{8}");
        assertThat(DeviceNames.hostVeth("tenant-a-web-0", 100)).isEqualTo(veth);
        assertThat(DeviceNames.hostVeth("tenant-a-web-1", 100)).isNotEqualTo(veth);
        assertThat(DeviceNames.hostVeth("tenant-a-web-0", 101)).isNotEqualTo(veth);
        assertThat(DeviceNames.isHostVeth(veth)).isTrue();
    }

    @Test
    void theTemporaryPeerNameSharesTheHash() {
        assertThat(DeviceNames.peerVeth("tenant-a-web-0", 100))
                .isEqualTo("atnp" + DeviceNames.hostVeth("tenant-a-web-0", 100).substring(4));
    }

    @Test
    void theMacIsLocallyAdministeredAndCarriesTheAddress() {
        assertThat(DeviceNames.mac("100.64.16.2")).isEqualTo("02:a7:64:40:10:02");
        assertThat(DeviceNames.mac("100.127.255.254")).isEqualTo("02:a7:64:7f:ff:fe");
    }

    @Test
    void vnisOutsideTwentyFourBitsAreRejected() {
        assertThatThrownBy(() -> DeviceNames.bridge(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeviceNames.vxlan(1 << 24)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeviceNames.hostVeth("ns", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAttachmentNeedsAKernelInterfaceNameAnIpv4AddressAndAPrefix() {
        assertThat(new Attachment("ns-1", 100, "eth1", "100.64.16.2", 20).cidr())
                .isEqualTo("100.64.16.2/20");
        assertThatThrownBy(() -> new Attachment("ns-1", 100, "a-very-long-ifname", "100.64.16.2", 20))
                .hasMessageContaining("1-15 characters");
        assertThatThrownBy(() -> new Attachment("ns-1", 100, "lo", "100.64.16.2", 20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Attachment("ns-1", 100, "eth1", "100.64.16.256", 20))
                .hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> new Attachment("ns-1", 100, "eth1", "web.atoll", 20))
                .hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> new Attachment("ns-1", 100, "eth1", "100.64.16.2", 33))
                .hasMessageContaining("prefix length");
        assertThatThrownBy(() -> new Attachment("../etc", 100, "eth1", "100.64.16.2", 20))
                .hasMessageContaining("namespace");
    }
}
