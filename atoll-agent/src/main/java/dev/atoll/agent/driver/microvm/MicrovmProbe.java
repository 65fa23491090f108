package dev.atoll.agent.driver.microvm;

import java.util.Optional;

/**
 * What {@link MicrovmDriver#probe} found: the accelerator a guest kernel boots under on this node,
 * or none, and in {@code detail} why (one clause per accelerator tried), for {@code get nodes -o wide}.
 */
public record MicrovmProbe(Optional<Accelerator> accelerator, String detail) {}
