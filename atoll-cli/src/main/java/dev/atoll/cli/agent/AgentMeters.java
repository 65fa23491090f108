package dev.atoll.cli.agent;

import dev.atoll.agent.NodeAgent;
import dev.atoll.model.instance.InstanceState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The meters of node agents, each labelled with its node ({@code site/name}): one in an {@code atoll
 * agent} process, every node's in {@code atoll dev}.
 *
 * <ul>
 *   <li>{@code atoll_agent_instances{node,state,driver}}: instances the agent runs; call {@link #refresh}
 *       before a scrape.
 *   <li>{@code atoll_agent_instance_restarts_total{node}}: restarts it made since it started.
 * </ul>
 */
public final class AgentMeters {
    private final Supplier<? extends Collection<NodeAgent>> agents;
    private final MultiGauge instances;
    private final MeterRegistry registry;
    private final java.util.Set<String> counted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public AgentMeters(MeterRegistry registry, Supplier<? extends Collection<NodeAgent>> agents) {
        this.registry = registry;
        this.agents = agents;
        instances = MultiGauge.builder("atoll.agent.instances")
                .description("Instances a node agent runs, by state and driver")
                .register(registry);
        refresh();
    }

    /** Works the gauges out afresh (and registers the restart counter of an agent seen the first time). */
    public void refresh() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (NodeAgent agent : agents.get()) {
            String node = agent.node().id();
            if (counted.add(node)) {
                FunctionCounter.builder("atoll.agent.instance.restarts", agent, NodeAgent::restarts)
                        .description("Restarts of instances the node agent made since it started")
                        .tag("node", node)
                        .register(registry);
            }
            // Every state of every driver the node runs, at zero when none: a series does not vanish.
            var counts = new java.util.TreeMap<String, Long>();
            for (String driver : agent.node().drivers()) {
                for (InstanceState state : InstanceState.values()) counts.put(state.wireName() + "|" + driver, 0L);
            }
            for (var count : agent.instanceCounts()) counts.put(count.state() + "|" + count.driver(), count.count());
            counts.forEach((key, n) -> {
                int bar = key.indexOf('|');
                rows.add(MultiGauge.Row.of(
                        Tags.of("node", node, "state", key.substring(0, bar), "driver", key.substring(bar + 1)), n));
            });
        }
        instances.register(rows, true);
    }
}
