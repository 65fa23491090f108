package dev.atoll.cli.deploy;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.cli.inspect.EnvironmentArgument;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    private EnvironmentArgument environment;

    @Override
    public Integer call() {
        String name = environment.name();
        String outcome = atoll.client().delete(name);
        atoll.session().out().println("environment " + name + " " + outcome);
        return ExitCodes.OK;
    }
}
