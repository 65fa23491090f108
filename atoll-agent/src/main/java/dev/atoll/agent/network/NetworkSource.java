package dev.atoll.agent.network;

import dev.atoll.model.agent.AgentCalls;
import java.io.IOException;

/** Where a node learns the network members of its tenants: its site's controller. */
@FunctionalInterface
public interface NetworkSource {
    AgentCalls.NetworkView fetch() throws IOException;
}
