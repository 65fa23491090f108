package dev.atoll.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.spec.DriverKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a node agent keeps what must outlive it: {@code <workDir>/instances/<tenant>/<display id>/}
 * holds the instance's {@code log} and its {@code state.json}.
 */
final class InstanceStore {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceStore.class);
    private static final ObjectMapper JSON = AtollJson.json();
    static final String STATE_FILE = "state.json";
    static final String LOG_FILE = "log";

    /**
     * What state.json holds. {@code pid} and {@code processStart} are absent when no process runs;
     * {@code ended} is present once the instance has ended for good (failed, or stopped by its
     * restart policy), so that an agent restart does not bring it back to life.
     */
    record Saved(
            InstanceId id,
            long generation,
            DriverKind driver,
            Optional<Long> pid,
            Optional<Instant> processStart,
            Map<String, Integer> ports,
            Optional<Instant> startedAt,
            int restarts,
            Optional<InstanceState> ended,
            String message,
            Optional<String> handle) {
        Saved {
            ports = Map.copyOf(ports);
            // state.json written before drivers had handles has none.
            handle = handle == null ? Optional.empty() : handle;
        }
    }

    private final Path root;

    InstanceStore(Path workDir) {
        this.root = workDir.resolve("instances");
    }

    Path directory(InstanceId id) {
        return root.resolve(id.tenant()).resolve(id.display());
    }

    Path log(InstanceId id) {
        return directory(id).resolve(LOG_FILE);
    }

    /** Written to a temporary file and moved into place, so a crash never leaves half a file. */
    void save(Saved saved) {
        Path dir = directory(saved.id());
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(STATE_FILE + ".tmp");
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(saved));
            try {
                Files.move(tmp, dir.resolve(STATE_FILE), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the state of " + saved.id() + " in " + dir, e);
        }
    }

    /** Every instance saved under the work directory; unreadable ones are logged and skipped. */
    Map<InstanceId, Saved> loadAll() {
        var all = new LinkedHashMap<InstanceId, Saved>();
        if (!Files.isDirectory(root)) return all;
        try (DirectoryStream<Path> tenants = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path tenant : tenants) {
                try (DirectoryStream<Path> instances = Files.newDirectoryStream(tenant, Files::isDirectory)) {
                    for (Path dir : instances) {
                        Path file = dir.resolve(STATE_FILE);
                        if (!Files.isRegularFile(file)) continue;
                        try {
                            Saved saved = JSON.readValue(file.toFile(), Saved.class);
                            all.put(saved.id(), saved);
                        } catch (IOException e) {
                            LOG.warn("ignoring unreadable instance state {}: {}", file, e.toString());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read instance states under " + root, e);
        }
        return all;
    }

    void delete(InstanceId id) {
        Path dir = directory(id);
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }
}
