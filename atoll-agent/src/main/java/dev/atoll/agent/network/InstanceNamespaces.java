package dev.atoll.agent.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atoll.agent.driver.Executables;
import dev.atoll.agent.driver.LaunchException;
import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.model.agent.NetworkAttachment;
import dev.atoll.model.json.AtollJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Gives a plain process what a container has: a network namespace of its own, joined to the node by
 * a link (see {@link InstanceLinks}), its tenant networks, a resolv.conf pointing at the node's DNS
 * server, and its ports published on the node's addresses. The process is then run through
 * {@code ip netns exec}, which enters the namespace and puts the namespace's resolv.conf in place
 * before it executes the command (so the pid stays the process's own).
 *
 * <p>What an isolated instance holds is written down per instance, so an agent that restarts can
 * open its forwarders again, and one that crashed can have what it left removed.
 */
public final class InstanceNamespaces {
    private static final ObjectMapper JSON = AtollJson.internal();

    private final InstanceLinks links;
    private final InstanceNetworks networks;
    private final Path records;
    private final String ip;
    private final Map<String, List<PortForwarder>> forwarders = new ConcurrentHashMap<>();

    /** One isolated instance, as written down. */
    public record Isolation(
            String instance, int block, String tenant, Map<String, Integer> ports, List<NetworkAttachment> networks) {
        public InstanceLinks.Attachment link() {
            return new InstanceLinks.Attachment(block);
        }
    }

    public InstanceNamespaces(Path stateDir, InstanceNetworks networks) {
        this.records = stateDir.resolve("namespaces");
        this.ip = Executables.find("ip").map(Path::toString).orElse("ip");
        this.links = new InstanceLinks(
                InstanceLinks.HOST_LEASES, stateDir.toAbsolutePath().toString(), Path.of(ip));
        this.networks = networks;
    }

    /** Sets up the namespace of a new instance; on failure nothing is left behind. */
    public Isolation isolate(LaunchSpec spec) throws LaunchException {
        release(spec.name()); // whatever an earlier life of this instance left
        var link = links.attach(spec.name(), false);
        var isolation = new Isolation(spec.name(), link.block(), spec.tenant(), spec.ports(), spec.networks());
        try {
            save(isolation);
            networks.join(spec.tenant(), link, spec.networks());
            links.useResolvConf(link, networks.resolvConf(spec, link));
            List<String> unpublished = publish(isolation);
            if (!unpublished.isEmpty()) throw new LaunchException(unpublished.getFirst());
            return isolation;
        } catch (IOException e) {
            release(spec.name());
            throw new LaunchException("cannot set up the instance's network namespace: " + e, e);
        } catch (LaunchException | RuntimeException e) {
            release(spec.name());
            throw e;
        }
    }

    /** The command run inside the instance's namespace. */
    public List<String> inside(Isolation isolation, List<String> argv) {
        var out = new ArrayList<String>(
                List.of(ip, "netns", "exec", isolation.link().netns()));
        out.addAll(argv);
        return out;
    }

    /** After an agent restart: the instance runs on, so its networks and published ports come back. */
    public Optional<Isolation> readopt(String instance) {
        Optional<Isolation> isolation = load(instance);
        if (isolation.isEmpty() || !Files.exists(isolation.get().link().netnsPath())) return Optional.empty();
        try {
            networks.join(
                    isolation.get().tenant(),
                    isolation.get().link(),
                    isolation.get().networks());
        } catch (LaunchException e) {
            // It keeps its namespace and runs on; its tunnels come back with the next sync.
        }
        publish(isolation.get());
        return isolation;
    }

    /** Closes the instance's forwarders and removes its namespace, link and record. Idempotent. */
    public void release(String instance) {
        List<PortForwarder> open = forwarders.remove(instance);
        if (open != null) open.forEach(PortForwarder::close);
        for (var lease : links.leases()) {
            if (!lease.containerId().equals(instance)) continue;
            networks.leave(lease.attachment());
            links.detach(lease.attachment(), instance);
        }
        try {
            Files.deleteIfExists(recordOf(instance));
        } catch (IOException e) {
            // A stale record is harmless: the next release of this name removes it.
        }
    }

    /** Removes every namespace of this node's that none of {@code keep} (instance names) holds. */
    public void reclaim(Collection<String> keep) {
        var names = new TreeSet<String>();
        for (var lease : links.leases()) names.add(lease.containerId());
        try (Stream<Path> files = Files.exists(records) ? Files.list(records) : Stream.empty()) {
            files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".json"))
                    .forEach(f -> names.add(f.substring(0, f.length() - 5)));
        } catch (IOException e) {
            // What cannot be listed is left for the next start.
        }
        for (String name : names) if (!keep.contains(name)) release(name);
    }

    private List<String> publish(Isolation isolation) {
        var published = PortForwarder.publish(
                isolation.ports().values(),
                networks.publishOn(),
                isolation.link().containerAddress());
        List<PortForwarder> previous = forwarders.put(isolation.instance(), published.forwarders());
        if (previous != null) previous.forEach(PortForwarder::close);
        return published.failures();
    }

    private Path recordOf(String instance) {
        return records.resolve(instance + ".json");
    }

    private void save(Isolation isolation) throws IOException {
        Files.createDirectories(records);
        Path tmp = records.resolve(isolation.instance() + ".json.tmp");
        JSON.writeValue(tmp.toFile(), isolation);
        Files.move(tmp, recordOf(isolation.instance()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private Optional<Isolation> load(String instance) {
        Path file = recordOf(instance);
        if (!Files.exists(file)) return Optional.empty();
        try {
            return Optional.of(JSON.readValue(file.toFile(), Isolation.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
