package dev.atoll.model.spec;

/** How an instance is run on a node. */
public enum DriverKind {
    PROCESS("process"),
    OCI("oci"),
    MICROVM("microvm");

    private final String wireName;

    DriverKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static java.util.Optional<DriverKind> fromWireName(String name) {
        for (var k : values()) if (k.wireName.equals(name)) return java.util.Optional.of(k);
        return java.util.Optional.empty();
    }
}
