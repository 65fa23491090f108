package dev.atoll.agent.driver;

import dev.atoll.image.PreparedImage;
import dev.atoll.model.Resources;
import dev.atoll.model.agent.NetworkAttachment;
import dev.atoll.model.spec.Mount;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to start. {@code name} is unique on the node and safe as a file or container name (the
 * instance's display id). {@code command} is as the user wrote it (with {@code ${VAR}} references
 * still in it) and may be empty when an image gives one; {@code environment} is complete;
 * {@code directory} belongs to the instance and survives its restarts; output is appended to
 * {@code logFile}. {@code ports} maps each named port to the host port allocated for it on
 * 127.0.0.1; a driver that isolates the network must forward that host port to the same port number
 * inside. {@code image}, {@code resources}, {@code readOnly} and {@code mounts} are for drivers that
 * run images. {@code networks} are the tenant networks the instance joins ({@code tenant}'s): a
 * driver that cannot put the instance on them fails the start.
 */
public record LaunchSpec(
        String name,
        List<String> command,
        Map<String, String> environment,
        Path directory,
        Path logFile,
        Optional<PreparedImage> image,
        Resources resources,
        Map<String, Integer> ports,
        boolean readOnly,
        List<Mount> mounts,
        String tenant,
        List<NetworkAttachment> networks) {
    public LaunchSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        ports = Map.copyOf(ports);
        mounts = List.copyOf(mounts);
        networks = List.copyOf(networks);
    }

    /** An instance on no tenant network. */
    public LaunchSpec(
            String name,
            List<String> command,
            Map<String, String> environment,
            Path directory,
            Path logFile,
            Optional<PreparedImage> image,
            Resources resources,
            Map<String, Integer> ports,
            boolean readOnly,
            List<Mount> mounts) {
        this(
                name,
                command,
                environment,
                directory,
                logFile,
                image,
                resources,
                ports,
                readOnly,
                mounts,
                "default",
                List.of());
    }

    /** A plain process: no image, no limits, no isolation. */
    public static LaunchSpec process(
            String name, List<String> command, Map<String, String> environment, Path directory, Path logFile) {
        return new LaunchSpec(
                name,
                command,
                environment,
                directory,
                logFile,
                Optional.empty(),
                Resources.ZERO,
                Map.of(),
                false,
                List.of());
    }
}
