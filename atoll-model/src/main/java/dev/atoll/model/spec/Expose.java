package dev.atoll.model.spec;

/**
 * Publishes one named port of a service at the ingress of every site where the service runs:
 * connections to {@code publicPort} there go to a healthy replica in that site, else in another.
 */
public record Expose(String port, int publicPort) {}
