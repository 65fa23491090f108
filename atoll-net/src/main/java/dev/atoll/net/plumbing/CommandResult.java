package dev.atoll.net.plumbing;

/** What a command run by {@link HostCommands} exited with and printed. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    public CommandResult {
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
    }

    public static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "");
    }

    public static CommandResult failed(int exitCode, String stderr) {
        return new CommandResult(exitCode, "", stderr);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }
}
