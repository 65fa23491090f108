package dev.atoll.net.plumbing;

import java.io.IOException;
import java.util.List;

/**
 * Runs one command on the node and hands back what it said. The only way plumbing touches the machine, so tests can
 * record the commands and answer them from canned output.
 */
public interface HostCommands {
    /**
     * Runs {@code argv} to completion. A non-zero exit is a result, not an exception; {@link IOException} means the
     * command could not be run at all (not installed, timed out).
     */
    CommandResult run(List<String> argv) throws IOException;
}
