package dev.atoll.cli.inspect;

import picocli.CommandLine.Parameters;

/**
 * The `environment NAME` a command acts on (describe, delete), read the same way everywhere: the
 * kind word first, so a later `atoll delete network NAME` reads alike.
 */
public final class EnvironmentArgument {
    @Parameters(
            index = "0",
            paramLabel = "KIND",
            converter = ResourceKind.EnvironmentOnly.class,
            completionCandidates = ResourceKind.EnvironmentName.class,
            description = "environment (also env)")
    private ResourceKind kind;

    @Parameters(index = "1", paramLabel = "NAME", description = "The environment's name.")
    private String name;

    public String name() {
        return name;
    }
}
