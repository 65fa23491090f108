package dev.atoll.net.plumbing;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Network namespaces standing in for instances, as the agent would make them: {@code atnt<run>-<name>} under
 * /run/netns. {@link #close()} deletes every one, which takes the instance's end of its veth pair (and so the pair)
 * along.
 */
final class InstanceNamespaces implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HostCommands root = new LocalHostCommands();
    private final String run = HexFormat.of().toHexDigits((short) RANDOM.nextInt(1 << 16));
    private final List<String> created = new ArrayList<>();

    /** A new namespace with {@code lo} up. */
    String create(String name) throws IOException {
        String namespace = "atnt" + run + "-" + name;
        created.add(namespace);
        must(root.run(List.of("ip", "netns", "add", namespace)), "ip netns add " + namespace);
        must(root.run(List.of("ip", "-n", namespace, "link", "set", "dev", "lo", "up")), "lo up in " + namespace);
        return namespace;
    }

    /** Deletes the namespace's name now, e.g. to leave a veth whose instance's namespace is gone. */
    void delete(String namespace) throws IOException {
        root.run(List.of("ip", "netns", "del", namespace));
    }

    @Override
    public void close() {
        for (String namespace : created) {
            try {
                root.run(List.of("ip", "netns", "del", namespace));
            } catch (IOException e) {
                // Keep going: every other namespace must still go.
            }
        }
    }

    /** Runs a command inside an instance or host namespace. */
    static CommandResult in(String namespace, String... argv) throws IOException {
        return LocalHostCommands.inNamespace(namespace).run(List.of(argv));
    }

    /** Whether a ping from {@code namespace} to {@code address} is answered. */
    static boolean pings(String namespace, String address) throws IOException {
        return in(namespace, "ping", "-c", "2", "-W", "2", address).succeeded();
    }

    /** The names of the devices in {@code namespace} that plumbing made (atn...). */
    static Set<String> plumbingDevices(String namespace) throws IOException {
        CommandResult links = in(namespace, "ip", "-o", "link", "show");
        must(links, "ip -o link show in " + namespace);
        Set<String> names = new TreeSet<>();
        for (Link link : Link.parseAll(links.stdout())) {
            if (link.name().startsWith("atn")) {
                names.add(link.name());
            }
        }
        return names;
    }

    static void must(CommandResult result, String what) {
        if (!result.succeeded()) {
            throw new IllegalStateException(what + " failed: " + result.stderr().strip());
        }
    }
}
