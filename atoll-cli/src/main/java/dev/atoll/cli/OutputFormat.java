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
}
