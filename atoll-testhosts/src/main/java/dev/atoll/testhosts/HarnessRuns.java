package dev.atoll.testhosts;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Names, ownership and leftovers of harness runs.
 *
 * <p>Every kernel object a run creates is named after its run id, {@code atb} + 4 hex digits: the bridge is the
 * run id itself, namespaces are {@code RUNID-host}, veths {@code RUNIDhN}. The bridge's alias records the owning
 * JVM's pid, so a run whose owner is gone can be told apart from a run of another test JVM still going on.
 */
final class HarnessRuns {
    static final String PREFIX = "atb";
    static final Pattern RUN_ID = Pattern.compile(PREFIX + "[0-9a-f]{4}");
    private static final String OWNER_ALIAS = "atoll-testhosts pid=";

    /** Serialises run creation and leftover cleanup, within this JVM and across JVMs on the machine. */
    private static final ReentrantLock LOCAL_LOCK = new ReentrantLock();

    private static final SecureRandom RANDOM = new SecureRandom();

    private HarnessRuns() {}

    static <T> T underMachineLock(Supplier<T> action) {
        LOCAL_LOCK.lock();
        try (FileChannel channel = FileChannel.open(lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            return action.get();
        } catch (IOException e) {
            throw new IllegalStateException("cannot take the harness lock " + lockFile() + ": " + e.getMessage(), e);
        } finally {
            LOCAL_LOCK.unlock();
        }
    }

    private static Path lockFile() {
        Path run = Path.of("/run");
        Path dir =
                Files.isDirectory(run) && Files.isWritable(run) ? run : Path.of(System.getProperty("java.io.tmpdir"));
        return dir.resolve("atoll-testhosts.lock");
    }

    /** A run id not used by any link or namespace now. Call under the machine lock. */
    static String freshRunId() {
        Set<String> taken = new LinkedHashSet<>(linkNames());
        taken.addAll(namespaceNames());
        for (int attempt = 0; attempt < 100; attempt++) {
            String id = PREFIX + HexFormat.of().toHexDigits((short) RANDOM.nextInt(1 << 16));
            boolean used = taken.stream().anyMatch(name -> name.startsWith(id));
            if (!used) {
                return id;
            }
        }
        throw new IllegalStateException(
                "no free harness run id after 100 attempts; run TestNetwork.cleanupLeftovers()");
    }

    /** Creates the run's bridge, owned by this JVM. Call under the machine lock. */
    static void createOwnedBridge(String runId, String label) {
        Commands.ip("link", "add", "name", runId, "type", "bridge");
        String alias =
                OWNER_ALIAS + ProcessHandle.current().pid() + " label=" + label.replaceAll("[^A-Za-z0-9._-]", "_");
        Commands.ip("link", "set", "dev", runId, "alias", alias);
    }

    private static boolean ownerIsAlive(String runId) {
        Path aliasFile = Path.of("/sys/class/net", runId, "ifalias");
        String alias;
        try {
            alias = Files.readString(aliasFile).strip();
        } catch (IOException e) {
            return false;
        }
        if (!alias.startsWith(OWNER_ALIAS)) {
            return false;
        }
        String pid = alias.substring(OWNER_ALIAS.length()).split(" ", 2)[0];
        try {
            return ProcessHandle.of(Long.parseLong(pid))
                    .map(ProcessHandle::isAlive)
                    .orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static List<String> cleanupLeftovers(String prefix) {
        if (!prefix.startsWith(PREFIX)) {
            throw new IllegalArgumentException(
                    "cleanupLeftovers only removes this harness's own objects; the prefix must start with \"" + PREFIX
                            + "\", got \"" + prefix + "\"");
        }
        return underMachineLock(() -> {
            List<String> removed = new ArrayList<>();
            List<HostCommandException> failures = new ArrayList<>();
            for (String namespace : namespaceNames()) {
                if (isLeftover(namespace, prefix)) {
                    run(failures, () -> removeNamespace(namespace));
                    removed.add("netns " + namespace);
                }
            }
            // Bridges last: removing a bridge ends the run's claim on its leftover veths.
            List<String> links = linkNames();
            List<String> ordered = new ArrayList<>(
                    links.stream().filter(l -> !RUN_ID.matcher(l).matches()).toList());
            ordered.addAll(
                    links.stream().filter(l -> RUN_ID.matcher(l).matches()).toList());
            for (String link : ordered) {
                if (isLeftover(link, prefix)) {
                    run(failures, () -> Commands.ipIgnoringMissing("link", "del", "dev", link));
                    removed.add("link " + link);
                }
            }
            if (!failures.isEmpty()) {
                HostCommandException first = failures.getFirst();
                failures.stream().skip(1).forEach(first::addSuppressed);
                throw first;
            }
            return List.copyOf(removed);
        });
    }

    private static boolean isLeftover(String name, String prefix) {
        if (!name.startsWith(prefix)) {
            return false;
        }
        return runIdOf(name).map(id -> !ownerIsAlive(id)).orElse(false);
    }

    static Optional<String> runIdOf(String name) {
        if (name.length() < 7 || !RUN_ID.matcher(name.substring(0, 7)).matches()) {
            return Optional.empty();
        }
        return Optional.of(name.substring(0, 7));
    }

    /** Kills whatever still runs inside, then deletes the namespace (which takes its end of the veth along). */
    static void removeNamespace(String namespace) {
        String pids;
        try {
            pids = Commands.ip("netns", "pids", namespace);
        } catch (HostCommandException e) {
            if (Commands.isMissing(e.stderr())) {
                return;
            }
            throw e;
        }
        pids.lines().map(String::strip).filter(line -> line.matches("\\d+")).forEach(pid -> ProcessHandle.of(
                        Long.parseLong(pid))
                .ifPresent(Commands::killTree));
        Commands.ipIgnoringMissing("netns", "del", namespace);
    }

    private static void run(List<HostCommandException> failures, Runnable step) {
        try {
            step.run();
        } catch (HostCommandException e) {
            failures.add(e);
        }
    }

    static List<String> namespaceNames() {
        // Lines look like "atb1a2b-web (id: 3)" or just "atb1a2b-web".
        return Commands.ip("netns", "list")
                .lines()
                .map(line -> line.strip().split("\\s+", 2)[0])
                .filter(name -> !name.isEmpty())
                .toList();
    }

    static List<String> linkNames() {
        // Lines look like "7: atb1a2bh1@if2: <BROADCAST,...> ..."; the name ends at '@' or ':'.
        return Commands.ip("-o", "link", "show")
                .lines()
                .map(line -> line.split(":\\s+", 3))
                .filter(parts -> parts.length >= 2)
                .map(parts -> parts[1].split("@", 2)[0])
                .toList();
    }
}
