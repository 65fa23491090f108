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
     * In the message of a REFUSED answer: this controller follows another controller of its site
     * (several controllers per site, one leads), so the agent moves on to the next address. The same
     * text as {@code dev.atoll.control.federation.SiteCalls.NOT_LEADER}.
     */
    public static final String NOT_LEADER = "not the leader of its site";

    private AgentCalls() {}

    /** @param logUrl where the agent serves instance logs over HTTP, e.g. {@code http://198.18.0.5:7301} */
    public record Join(NodeInfo node, String logUrl) {}

    public record Joined(String site, String controller) {}

    public record Heartbeat(String node) {}

    /** @param known false when the controller does not know the node (it restarted): join again */
    public record HeartbeatAnswer(boolean known) {}

    public record Report(String node, InstanceReport report) {}

    public record AssignmentsWanted(String node, long knownVersion) {}

    public record Assignments(long version, List<InstanceAssignment> desired) {
        public Assignments {
            desired = List.copyOf(desired);
        }
    }
}
