package dev.atoll.testhosts;

import java.util.List;

/** A command the harness ran on this machine failed; the message names the command and its stderr. */
public final class HostCommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> command;
    private final String stderr;

    HostCommandException(List<String> command, String problem, String stderr) {
        super("`" + String.join(" ", command) + "` " + problem + (stderr.isBlank() ? "" : ": " + stderr.strip()));
        this.command = List.copyOf(command);
        this.stderr = stderr;
    }

    public List<String> command() {
        return command;
    }

    public String stderr() {
        return stderr;
    }
}
