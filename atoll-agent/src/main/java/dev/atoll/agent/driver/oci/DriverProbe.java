package dev.atoll.agent.driver.oci;

/** Whether this node can run the {@code oci} driver; {@code detail} says why not (or which runc it found). */
public record DriverProbe(boolean usable, String detail) {}
