package dev.atoll.image;

import java.util.List;
import java.util.Map;

/**
 * What an image says about running it (the {@code config} of an OCI image config blob): the
 * entrypoint and default arguments, environment as {@code NAME=value}, working directory, user and
 * labels. Absent values are empty, never null.
 */
public record ImageConfig(
        List<String> entrypoint,
        List<String> cmd,
        List<String> env,
        String workingDir,
        String user,
        Map<String, String> labels) {
    public ImageConfig {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
        workingDir = workingDir == null ? "" : workingDir;
        user = user == null ? "" : user;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public static final ImageConfig EMPTY = new ImageConfig(null, null, null, null, null, null);

    /**
     * The argv an instance runs: the image's entrypoint followed by the service's command when it
     * gives one, else by the image's cmd (as Docker and Kubernetes do).
     */
    public List<String> argv(List<String> serviceCommand) {
        var args = new java.util.ArrayList<>(entrypoint);
        args.addAll(serviceCommand.isEmpty() ? cmd : serviceCommand);
        return List.copyOf(args);
    }
}
