package dev.atoll.cli;

import picocli.CommandLine.Option;

/**
 * The {@code -o/--output} option of every command that prints what it read (a picocli mixin):
 * one declaration, so the flag, its default and its completion are the same everywhere.
 */
public final class OutputOption {
    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "table",
            completionCandidates = OutputFormat.Names.class,
            description = "table, wide, json or yaml (default: ${DEFAULT-VALUE}).")
    private OutputFormat format;

    public OutputFormat format() {
        return format;
    }
}
