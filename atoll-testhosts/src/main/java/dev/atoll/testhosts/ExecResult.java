package dev.atoll.testhosts;

import java.util.List;

/**
 * What a command run to completion inside a host gave back.
 *
 * @param output stdout and stderr interleaved, cut at {@link Commands#OUTPUT_LIMIT_BYTES}
 * @param timedOut the command was still running at its timeout and was killed; {@code exitCode} is then -1
 */
public record ExecResult(List<String> command, int exitCode, String output, boolean timedOut) {
    public ExecResult {
        command = List.copyOf(command);
    }

    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }
}
