package dev.atoll.model.agent;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.ServiceSpec;

/**
 * "Run this replica": what a site leader tells a node agent. A higher {@code generation} for the
 * same id supersedes a lower one (the agent stops the old copy and starts the new). {@code
 * migration}, when not null, makes it one end of a micro-VM's live migration (see {@link Migration}).
 */
public record InstanceAssignment(
        InstanceId id,
        long generation,
        ServiceSpec service,
        java.util.List<NetworkAttachment> networks,
        String traceparent,
        Migration migration) {
    public InstanceAssignment {
        // Controllers older than networks send none.
        networks = networks == null ? java.util.List.of() : java.util.List.copyOf(networks);
    }

    /** No live migration (optional on the wire: a controller older than migrations sends none). */
    public InstanceAssignment(
            InstanceId id,
            long generation,
            ServiceSpec service,
            java.util.List<NetworkAttachment> networks,
            String traceparent) {
        this(id, generation, service, networks, traceparent, null);
    }

    /**
     * An assignment outside any trace. {@code traceparent} (W3C Trace Context, optional) is the span
     * of the offer that put the replica here: the agent's start of it joins the deploy's trace.
     */
    public InstanceAssignment(
            InstanceId id, long generation, ServiceSpec service, java.util.List<NetworkAttachment> networks) {
        this(id, generation, service, networks, null);
    }

    /** A replica on no tenant network. */
    public InstanceAssignment(InstanceId id, long generation, ServiceSpec service) {
        this(id, generation, service, java.util.List.of());
    }
}
