package dev.atoll.agent.network;

import dev.atoll.agent.driver.LaunchException;
import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.model.agent.NetworkAttachment;
import java.net.InetAddress;
import java.util.List;

/**
 * What drivers need of the node's networking: where to publish an instance's ports, and how to put
 * an instance's namespace on its tenant networks. One implementation does it ({@link TenantNetworks});
 * {@link #none} stands for a node that cannot (not root, no iproute2) and says why when asked.
 */
public interface InstanceNetworks {
    /** The node's addresses where instances' ports are published: loopback, and the underlay address when known. */
    List<InetAddress> publishOn();

    /**
     * Gives the namespace behind {@code link} an address on each network, and answers DNS queries that
     * come from the link's instance end as {@code tenant}'s. Idempotent: an adopted instance joins again.
     */
    void join(String tenant, InstanceLinks.Attachment link, List<NetworkAttachment> networks) throws LaunchException;

    /**
     * As {@link #join}, for a micro-VM: the guest holds its addresses itself, behind {@code taps} (tap devices on
     * this node, one per network, in the order of {@code networks}), which are plugged into their segments.
     *
     * @return the MTU of each network, in the same order, which the guest must use
     */
    List<Integer> plug(
            String tenant, InstanceLinks.Attachment link, List<NetworkAttachment> networks, List<String> taps)
            throws LaunchException;

    /** The instance behind {@code link} is going; its namespace (and with it its interfaces) is removed by its driver. */
    void leave(InstanceLinks.Attachment link);

    /** /etc/resolv.conf of an instance on tenant networks: the node's DNS server at the host end of its link. */
    default String resolvConf(LaunchSpec spec, InstanceLinks.Attachment link) {
        return resolvConf(spec.tenant(), spec.environment().getOrDefault("ATOLL_ENVIRONMENT", "default"), link);
    }

    /** The same, for an instance of {@code environment}. */
    default String resolvConf(String tenant, String environment, InstanceLinks.Attachment link) {
        return "nameserver " + link.hostAddress() + "\n" + "search " + environment + "." + tenant + ".atoll " + tenant
                + ".atoll\n" + "options ndots:1\n";
    }

    static InstanceNetworks none(String why) {
        return new InstanceNetworks() {
            @Override
            public List<InetAddress> publishOn() {
                return List.of(InetAddress.getLoopbackAddress());
            }

            @Override
            public void join(String tenant, InstanceLinks.Attachment link, List<NetworkAttachment> networks)
                    throws LaunchException {
                if (!networks.isEmpty()) throw new LaunchException("this node cannot join tenant networks: " + why);
            }

            @Override
            public List<Integer> plug(
                    String tenant, InstanceLinks.Attachment link, List<NetworkAttachment> networks, List<String> taps)
                    throws LaunchException {
                join(tenant, link, networks);
                return List.of();
            }

            @Override
            public void leave(InstanceLinks.Attachment link) {}
        };
    }
}
