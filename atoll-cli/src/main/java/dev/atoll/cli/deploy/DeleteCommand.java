package dev.atoll.cli.deploy;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.cli.inspect.ResourceKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Deletes an environment: its instances are stopped and its record removed. */
@Command(
        name = "delete",
        mixinStandardHelpOptions = true,
        description = "Delete an environment; its instances are stopped everywhere.",
        footerHeading = "%nExample:%n",
        footer = {"  atoll delete environment hello"})
public final class DeleteCommand implements Callable<Integer> {
    @ParentCommand
    private AtollCommand atoll;

    @Parameters(
            index = "0",
            paramLabel = "KIND",
            converter = ResourceKind.EnvironmentOnly.class,
            completionCandidates = ResourceKind.EnvironmentName.class,
            description = "environment (also env)")
    private ResourceKind kind;

    @Parameters(index = "1", paramLabel = "NAME", description = "The environment's name.")
    private String name;

    @Override
    public Integer call() {
        String outcome = atoll.client().delete(name);
        atoll.session().out().println("environment " + name + " " + outcome);
        return ExitCodes.OK;
    }
}
