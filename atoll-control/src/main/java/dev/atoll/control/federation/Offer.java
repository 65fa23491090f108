package dev.atoll.control.federation;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.ServiceSpec;

/**
 * A home site asks a target site to run one replica. {@code home} fences the offer: a target that
 * knows a stronger claim on the environment (a buddy adopted it) refuses it.
 *
 * <p>A move's offer (optional on the wire) may pin the {@code node}, names the node the replica
 * leaves ({@code avoidNode}, never chosen) and asks the target to keep the copy it already runs
 * ({@code keepPrevious}) until it is released: make before break. A micro-VM's move asks the target
 * to {@code migrate}: the new copy waits for the running one's memory (see {@link
 * dev.atoll.model.agent.Migration}), and the acceptance says where to send it.
 */
public record Offer(
        InstanceId id,
        long generation,
        ServiceSpec service,
        HomeClaim home,
        java.util.List<dev.atoll.model.agent.NetworkAttachment> networks,
        String traceparent,
        String node,
        String avoidNode,
        boolean keepPrevious,
        boolean migrate) {
    public Offer {
        networks = networks == null ? java.util.List.of() : java.util.List.copyOf(networks);
    }

    public Offer(
            InstanceId id,
            long generation,
            ServiceSpec service,
            HomeClaim home,
            java.util.List<dev.atoll.model.agent.NetworkAttachment> networks,
            String traceparent) {
        this(id, generation, service, home, networks, traceparent, null, null, false, false);
    }

    /**
     * An offer outside any trace. {@code traceparent} (W3C Trace Context, optional on the wire) is the
     * home's placement span, so that the target's work joins the deploy's trace.
     */
    public Offer(
            InstanceId id,
            long generation,
            ServiceSpec service,
            HomeClaim home,
            java.util.List<dev.atoll.model.agent.NetworkAttachment> networks) {
        this(id, generation, service, home, networks, null);
    }

    /** A replica on no tenant network. */
    public Offer(InstanceId id, long generation, ServiceSpec service, HomeClaim home) {
        this(id, generation, service, home, java.util.List.of());
    }
}
