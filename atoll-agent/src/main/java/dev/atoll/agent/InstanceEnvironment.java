package dev.atoll.agent;

import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.topology.NodeInfo;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment an instance runs with, in increasing precedence: a few variables of the agent's
 * own (so PATH lookups, HOME and the locale work as in the user's shell, while the rest of the
 * agent's environment does not leak into instances), the service's {@code env}, then the
 * {@code ATOLL_*} variables, which a spec cannot override.
 */
final class InstanceEnvironment {
    static final List<String> INHERITED =
            List.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR");

    private InstanceEnvironment() {}

    static Map<String, String> of(
            Map<String, String> agentEnvironment,
            NodeInfo node,
            InstanceAssignment assignment,
            Map<String, Integer> ports) {
        var env = new TreeMap<String, String>();
        for (String name : INHERITED) {
            String value = agentEnvironment.get(name);
            if (value != null) env.put(name, value);
        }
        env.putAll(assignment.service().env());
        var id = assignment.id();
        env.put("ATOLL_INSTANCE", id.display());
        env.put("ATOLL_SERVICE", id.service());
        env.put("ATOLL_ENVIRONMENT", id.environment());
        env.put("ATOLL_TENANT", id.tenant());
        env.put("ATOLL_SITE", node.site());
        env.put("ATOLL_NODE", node.name());
        env.put("ATOLL_GENERATION", Long.toString(assignment.generation()));
        ports.forEach((name, port) -> env.put(portVariable(name), Integer.toString(port)));
        // The replica's own name and addresses, for programs that announce themselves to peers.
        if (!assignment.networks().isEmpty()) {
            env.put("ATOLL_ADDRESS", assignment.networks().getFirst().address());
            env.put(
                    "ATOLL_DNS_NAME",
                    id.index() + "." + id.service() + "." + id.environment() + "." + id.tenant() + ".atoll");
        }
        for (var network : assignment.networks()) {
            env.put(
                    "ATOLL_ADDRESS_"
                            + network.network().toUpperCase(Locale.ROOT).replace('-', '_'),
                    network.address());
        }
        return env;
    }

    /** {@code http-admin} is passed as {@code ATOLL_PORT_HTTP_ADMIN}. */
    static String portVariable(String portName) {
        return "ATOLL_PORT_" + portName.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
