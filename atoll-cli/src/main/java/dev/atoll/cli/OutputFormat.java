package dev.atoll.cli;

/** How a command prints what it read: an aligned table (wide adds columns), or the API's own JSON/YAML. */
public enum OutputFormat {
    TABLE,
    WIDE,
    JSON,
    YAML;

    public boolean isTable() {
        return this == TABLE || this == WIDE;
    }

    /** Lower-case names for help and shell completion, the way users type them. */
    public static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(values())
                    .map(f -> f.name().toLowerCase(java.util.Locale.ROOT))
                    .iterator();
        }
    }
}
