package dev.atoll.cli.deploy;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Checks a spec on this machine, without a server. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Check an environment spec locally (no server needed); print every error with its field path.",
        footerHeading = "%nExample:%n",
        footer = {"  atoll validate -f examples/hello.yaml", "  valid: environment hello, 1 service, 6 replicas"})
public final class ValidateCommand implements Callable<Integer> {
    @ParentCommand
    private AtollCommand atoll;

    @Option(
            names = {"-f", "--file"},
            required = true,
            paramLabel = "FILE",
            description = "Spec file (YAML or JSON); - reads standard input.")
    private String file;

    @Override
    public Integer call() {
        var session = atoll.session();
        var checked = SpecCheck.check(file, session.in(), session.err());
        if (checked.isEmpty()) return ExitCodes.FAILED;
        session.out().println("valid: " + SpecCheck.summary(checked.get().spec()));
        return ExitCodes.OK;
    }
}
