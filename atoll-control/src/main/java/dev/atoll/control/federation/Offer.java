package dev.atoll.control.federation;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.ServiceSpec;

/** A home site asks a target site to run one replica. */
public record Offer(InstanceId id, long generation, ServiceSpec service, String homeSite) {}
