package dev.atoll.model.agent;

import dev.atoll.model.topology.NodeInfo;
import java.util.List;

/**
 * The calls a node agent makes to its site's controller over the wire protocol (see
 * atoll-wire/PROTOCOL.md), with their JSON bodies ({@code AtollJson.internal()}). The agent always
 * calls; the controller never connects to an agent, so agents may sit behind NAT.
 */
public final class AgentCalls {
    /** {@link Join} → {@link Joined}: the node introduces itself (again after any reconnect). */
    public static final String JOIN = "agent.join";
    /** {@link Heartbeat} → {@link HeartbeatAnswer}, every {@link NodeAgentPort#HEARTBEAT_PERIOD}. */
    public static final String HEARTBEAT = "agent.heartbeat";
    /** {@link Report} → empty: a change the agent observed, sent as it happens. */
    public static final String REPORT = "agent.report";
    /**
     * {@link AssignmentsWanted} → {@link Assignments}: answered at once when the controller's
     * version differs from the agent's, else when it changes or after {@link #ASSIGNMENTS_WAIT_MILLIS}.
     */
    public static final String ASSIGNMENTS = "agent.assignments";

    public static final long ASSIGNMENTS_WAIT_MILLIS = 10_000;

    /**
     * {@link NetworkWanted} → {@link NetworkView}: the network members of the tenants whose replicas
     * the node runs (for its DNS server and its tunnels), asked every few hundred milliseconds.
     */
    public static final String NETWORK = "agent.network";

    /**
     * In the message of a REFUSED answer: this controller follows another controller of its site
     * (several controllers per site, one leads), so the agent moves on to the next address. The same
     * text as {@code dev.atoll.control.federation.SiteCalls.NOT_LEADER}.
     */
    public static final String NOT_LEADER = "not the leader of its site";

    private AgentCalls() {}

    /** @param logUrl where the agent serves instance logs over HTTP, e.g. {@code http://198.18.0.5:7301} */
    public record Join(NodeInfo node, String logUrl) {}

    public record Joined(String site, String controller) {}

    /**
     * @param used what the node's running instances use, measured by the agent (null: it measures
     *     nothing, as older agents)
     */
    public record Heartbeat(String node, dev.atoll.model.Resources used) {
        public Heartbeat(String node) {
            this(node, null);
        }
    }

    /** @param known false when the controller does not know the node (it restarted): join again */
    public record HeartbeatAnswer(boolean known) {}

    public record Report(String node, InstanceReport report) {}

    public record AssignmentsWanted(String node, long knownVersion) {}

    public record NetworkWanted(String node) {}

    /**
     * @param site the node's own site (same-site replicas are named first)
     * @param rttMicros measured round trip from the node's site to each other site
     */
    public record NetworkView(
            String site,
            java.util.List<dev.atoll.model.network.NetworkMember> members,
            java.util.Map<String, Long> rttMicros) {
        public NetworkView {
            members = java.util.List.copyOf(members);
            rttMicros = java.util.Map.copyOf(rttMicros);
        }
    }

    public record Assignments(long version, List<InstanceAssignment> desired) {
        public Assignments {
            desired = List.copyOf(desired);
        }
    }
}
