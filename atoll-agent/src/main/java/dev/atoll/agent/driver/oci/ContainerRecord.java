package dev.atoll.agent.driver.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * What the driver must remember about a container across an agent restart, saved as
 * {@code <stateDir>/containers/<id>.json}: its bundle (overlay mount, upper and work directories),
 * its address block ({@code -1} before one is leased) and the ports to forward. Written before any of
 * these exist, so a crash half-way leaves enough behind for stop or reclaim to undo it.
 */
record ContainerRecord(
        String id,
        String bundle,
        int block,
        Map<String, Integer> ports,
        String tenant,
        java.util.List<dev.atoll.model.agent.NetworkAttachment> networks) {
    private static final ObjectMapper JSON = new ObjectMapper();

    ContainerRecord {
        ports = Map.copyOf(ports);
        // Records written before tenant networks have neither.
        tenant = tenant == null ? "default" : tenant;
        networks = networks == null ? java.util.List.of() : java.util.List.copyOf(networks);
    }

    ContainerRecord(String id, String bundle, int block, Map<String, Integer> ports) {
        this(id, bundle, block, ports, "default", java.util.List.of());
    }

    ContainerRecord withBlock(int newBlock) {
        return new ContainerRecord(id, bundle, newBlock, ports, tenant, networks);
    }

    Path bundlePath() {
        return Path.of(bundle);
    }

    void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(id + ".json.tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, dir.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static Optional<ContainerRecord> load(Path dir, String id) {
        Path file = dir.resolve(id + ".json");
        if (!Files.isRegularFile(file)) return Optional.empty();
        try {
            return Optional.of(JSON.readValue(file.toFile(), ContainerRecord.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void delete(Path dir, String id) throws IOException {
        Files.deleteIfExists(dir.resolve(id + ".json"));
    }
}
