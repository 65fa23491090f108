package dev.atoll.model.spec;

/**
 * A writable directory inside a container or micro-VM at {@code path}. {@code tmpfs} is memory
 * backed and empty at every start; {@code scratch} is a directory on the node that survives
 * restarts of the same instance and is deleted with it.
 */
public record Mount(String path, Kind kind) {
    public enum Kind {
        TMPFS("tmpfs"),
        SCRATCH("scratch");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static java.util.Optional<Kind> fromWireName(String name) {
            for (var k : values()) if (k.wireName.equals(name)) return java.util.Optional.of(k);
            return java.util.Optional.empty();
        }
    }
}
