package dev.atoll.agent.driver.microvm;

import java.util.Optional;

/** How QEMU runs the guest's instructions: hardware virtualisation, or software emulation. */
public enum Accelerator {
    KVM("kvm"),
    TCG("tcg");

    private final String wireName;

    Accelerator(String wireName) {
        this.wireName = wireName;
    }

    /** Also the value of QEMU's {@code -accel} option. */
    public String wireName() {
        return wireName;
    }

    public static Optional<Accelerator> fromWireName(String name) {
        for (var a : values()) if (a.wireName.equals(name)) return Optional.of(a);
        return Optional.empty();
    }
}
