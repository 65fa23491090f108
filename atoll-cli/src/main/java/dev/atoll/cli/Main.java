package dev.atoll.cli;

import picocli.CommandLine;

/** The entry point of the atoll command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, Session.standard()));
    }

    /** Runs one command line and returns its exit code: 0 done, 1 failed, 2 usage or unreachable. */
    public static int run(String[] args, Session session) {
        return commandLine(session).execute(args);
    }

    public static CommandLine commandLine(Session session) {
        return new CommandLine(new AtollCommand(session))
                .setOut(session.out())
                .setErr(session.err())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(new FailureReporter());
    }
}
