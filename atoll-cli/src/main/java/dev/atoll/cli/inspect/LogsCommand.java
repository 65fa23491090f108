package dev.atoll.cli.inspect;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Prints (and with -f follows) an instance's output. */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = "Print an instance's output (stdout and stderr); -f keeps following it.",
        footerHeading = "%nExample:%n",
        footer = {"  atoll logs hello.web.0", "  atoll logs -f hello.web.0"})
public final class LogsCommand implements Callable<Integer> {
    @ParentCommand
    private AtollCommand atoll;

    @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id, as `atoll get instances` shows it.")
    private String instance;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing new output until interrupted.")
    private boolean follow;

    @Option(
            names = "--offset",
            paramLabel = "BYTES",
            defaultValue = "0",
            description = "Start this many bytes into the log (default: ${DEFAULT-VALUE}).")
    private long offset;

    @Override
    public Integer call() {
        atoll.client()
                .logs(instance, Math.max(0, offset), follow, atoll.session().out());
        return ExitCodes.OK;
    }
}
