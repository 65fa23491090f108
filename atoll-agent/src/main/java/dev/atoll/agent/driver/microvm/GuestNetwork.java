package dev.atoll.agent.driver.microvm;

import dev.atoll.agent.network.InstanceLinks;
import dev.atoll.agent.network.InstanceNamespaces;
import dev.atoll.net.plumbing.NodeNetworks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A micro-VM's network cards and what its init does with them. Card 0 is its link to the node, with addresses that
 * are the same on every node ({@link InstanceLinks#GUEST_ADDRESS}); the others are its tenant networks, where the
 * guest holds the replica's own address and MAC. Everything here is the same wherever the replica runs, so QEMU's
 * command line (which a live migration needs identical at both ends) and the guest's view survive a move.
 */
record GuestNetwork(List<Card> cards, String gateway, String resolvConf, List<Path> modules) {
    /** One virtio-net card: the tap it is plugged into on the node, its MAC, and the guest's address on it. */
    record Card(String tap, String mac, String cidr, int mtu) {}

    GuestNetwork {
        cards = List.copyOf(cards);
        modules = List.copyOf(modules);
    }

    static GuestNetwork of(InstanceNamespaces.GuestIsolation guest, String resolvConf, List<Path> modules) {
        var isolation = guest.isolation();
        var link = isolation.link();
        var cards = new ArrayList<Card>();
        cards.add(new Card(
                link.guestTap(0),
                NodeNetworks.instanceMac(InstanceLinks.GUEST_ADDRESS),
                InstanceLinks.GUEST_ADDRESS + "/30",
                1500));
        List<String> taps = isolation.networkTaps();
        for (int i = 0; i < isolation.networks().size(); i++) {
            var network = isolation.networks().get(i);
            int mtu = i < guest.mtus().size() ? guest.mtus().get(i) : 1500;
            cards.add(new Card(
                    taps.get(i),
                    NodeNetworks.instanceMac(network.address()),
                    network.address() + "/" + network.prefixLength(),
                    mtu));
        }
        return new GuestNetwork(cards, InstanceLinks.GUEST_GATEWAY, resolvConf, modules);
    }

    /** QEMU's options for the cards. */
    List<String> qemuOptions() {
        var options = new ArrayList<String>();
        for (int i = 0; i < cards.size(); i++) {
            Card card = cards.get(i);
            options.addAll(List.of(
                    "-netdev",
                    "tap,id=net" + i + ",ifname=" + card.tap() + ",script=no,downscript=no",
                    "-device",
                    "virtio-net-device,netdev=net" + i + ",mac=" + card.mac()));
        }
        return options;
    }
}
