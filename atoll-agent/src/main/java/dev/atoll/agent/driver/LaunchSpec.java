package dev.atoll.agent.driver;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to start: the command as the user wrote it (with {@code ${VAR}} references still in it), the
 * complete environment it gets, the directory it runs in and the file its output is appended to.
 */
public record LaunchSpec(List<String> command, Map<String, String> environment, Path directory, Path logFile) {
    public LaunchSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }
}
