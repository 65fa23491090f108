package dev.atoll.cli.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.atoll.model.json.AtollJson;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Where the CLI keeps a bearer token per server: {@code ~/.atoll/credentials.json} (or the file
 * {@code $ATOLL_CREDENTIALS} names), an object of server address to token, readable by its owner only. `atoll dev` writes the token it prints there,
 * so the commands of a second terminal find it without being told.
 */
public final class Credentials {
    private final Path file;

    public Credentials(Path file) {
        this.file = file;
    }

    /** The environment variable naming another file than {@code ~/.atoll/credentials.json}. */
    public static final String FILE_VARIABLE = "ATOLL_CREDENTIALS";

    /** {@code $ATOLL_CREDENTIALS}, else {@code ~/.atoll/credentials.json} of the user running the command. */
    public static Credentials ofUser() {
        String named = System.getenv(FILE_VARIABLE);
        if (named != null && !named.isBlank()) return new Credentials(Path.of(named));
        return new Credentials(Path.of(System.getProperty("user.home"), ".atoll", "credentials.json"));
    }

    public Path file() {
        return file;
    }

    /** The token kept for {@code server}, if any (an unreadable file counts as none). */
    public Optional<String> tokenFor(URI server) {
        try {
            if (!Files.isRegularFile(file)) return Optional.empty();
            var tree = AtollJson.json().readTree(file.toFile());
            var token = tree.path(key(server));
            return token.isTextual() && !token.asText().isBlank() ? Optional.of(token.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Keeps {@code token} for {@code server}, beside those of other servers. */
    public void save(URI server, String token) throws IOException {
        Files.createDirectories(file.getParent());
        ObjectNode tree = AtollJson.json().createObjectNode();
        if (Files.isRegularFile(file)) {
            try {
                var old = AtollJson.json().readTree(file.toFile());
                if (old.isObject()) tree = (ObjectNode) old;
            } catch (IOException e) {
                // An unreadable file is replaced.
            }
        }
        tree.put(key(server), token);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(
                    temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temporary);
        }
        Files.writeString(
                temporary, AtollJson.json().writerWithDefaultPrettyPrinter().writeValueAsString(tree));
        Files.move(
                temporary,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** One spelling per server: no trailing slash. */
    private static String key(URI server) {
        String text = server.toString();
        while (text.endsWith("/")) text = text.substring(0, text.length() - 1);
        return text;
    }
}
