package dev.atoll.agent.network;

import dev.atoll.agent.driver.Executables;
import dev.atoll.agent.link.ControllerLink;
import dev.atoll.model.agent.AgentCalls;
import dev.atoll.model.json.AtollJson;
import dev.atoll.net.plumbing.LocalHostCommands;
import dev.atoll.net.plumbing.NodeNetworks;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/** Whether this node can run tenant networks, and the pieces that do it when it can. */
public final class NodeNetworking {
    private static final Duration NETWORK_CALL_TIMEOUT = Duration.ofSeconds(2);

    private NodeNetworking() {}

    /** Why tenant networks cannot work here, or empty when they can. */
    public static Optional<String> missing() {
        if (!Executables.isRoot()) {
            return Optional.of("the agent does not run as root, which network namespaces need");
        }
        if (Executables.find("ip").isEmpty()) return Optional.of("ip (iproute2) is not installed");
        if (Executables.find("bridge").isEmpty()) return Optional.of("bridge (iproute2) is not installed");
        return Optional.empty();
    }

    /** Tenant networks for a node at {@code nodeAddress} on the underlay (not yet started). */
    public static TenantNetworks create(String nodeName, InetAddress nodeAddress, NetworkSource source, int dnsPort) {
        var plumbing = new NodeNetworks(new LocalHostCommands(), nodeAddress.getHostAddress());
        return new TenantNetworks(plumbing, nodeName, nodeAddress, source, dnsPort);
    }

    /** Asks the site's controller through the agent's link. */
    public static NetworkSource through(java.util.function.Supplier<ControllerLink> link, String node) {
        return () -> {
            ControllerLink current = link.get();
            if (current == null) throw new IOException("not linked to a controller yet");
            byte[] body = AtollJson.internal().writeValueAsBytes(new AgentCalls.NetworkWanted(node));
            byte[] answer = current.callRaw(AgentCalls.NETWORK, body, NETWORK_CALL_TIMEOUT);
            return AtollJson.internal().readValue(answer, AgentCalls.NetworkView.class);
        };
    }
}
