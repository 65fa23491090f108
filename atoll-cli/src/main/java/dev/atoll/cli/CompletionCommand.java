package dev.atoll.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints a bash (and zsh with bashcompinit) completion script for every command and option. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = "Print a bash completion script for atoll.",
        footerHeading = "%nExample:%n",
        footer = {"  source <(./atoll completion)"})
public final class CompletionCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.print(AutoComplete.bash("atoll", spec.root().commandLine()));
        out.flush();
        return ExitCodes.OK;
    }
}
