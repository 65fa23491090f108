package dev.atoll.agent.driver.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atoll.agent.driver.Driver;
import dev.atoll.agent.driver.Executables;
import dev.atoll.agent.driver.ExitStatus;
import dev.atoll.agent.driver.HostCommands;
import dev.atoll.agent.driver.LaunchException;
import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.agent.driver.LiveProcesses;
import dev.atoll.agent.driver.Workload;
import dev.atoll.agent.driver.WorkloadRef;
import dev.atoll.agent.network.InstanceLinks;
import dev.atoll.agent.network.InstanceNetworks;
import dev.atoll.agent.network.PortForwarder;
import dev.atoll.image.PreparedImage;
import dev.atoll.model.spec.Mount;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code oci} driver: each instance is a runc container of a prepared image.
 *
 * <p>Per container: a bundle at {@code <instance dir>/bundle} whose rootfs is an overlay (the image's
 * shared rootfs below, the bundle's {@code upper} above, so the image is never written), mounted by
 * runc inside the container's mount namespace so the host's mount table stays small; a
 * {@code config.json} with the image's argv, environment, working directory and user, cgroup limits
 * for cpu and memory from the service's resources, and the service's tmpfs and scratch mounts
 * (scratch lives at {@code <instance dir>/scratch/<path>} and survives restarts); its own network
 * namespace joined to the host by a veth pair (see {@link InstanceLinks}), with each allocated host
 * port forwarded from 127.0.0.1 to the same port at the container's address.
 *
 * <p>{@code runc run} is the agent's child in the foreground, with the container's output appended
 * to the instance's log file, so the exit code reaches the agent and the output survives an agent
 * restart. When a container ends, by itself or by {@link #stop}, everything but the log and the
 * scratch directories is removed: the runc container, the overlay mount and upper layer, the
 * namespace, the veth pair, the address lease and the forwarders.
 *
 * <p>Environment: the image's {@code Env}, then the instance's environment, except the variables the
 * agent copies from its own host (PATH, HOME, LANG...) while they still carry the host's values: those
 * describe the agent's machine, not the image, so the image's PATH (or the usual default) wins.
 */
public final class OciDriver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(OciDriver.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(2);
    private static final Duration STOP_POLL = Duration.ofMillis(10);
    private static final Duration ADOPTED_POLL = Duration.ofMillis(100);
    private static final int LOG_TAIL_BYTES = 2_000;
    private static final Executor VIRTUAL =
            r -> Thread.ofVirtual().name("atoll-oci").start(r);

    private final Path runcRoot;
    private final Path records;
    private final String runc;
    private final String umountTool;
    private final String cgroupParent;
    private final InstanceLinks network;
    private final Map<String, String> agentHost;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** The incarnation of each container this driver watches; a late exit of an older one must not tear down a newer one. */
    private final Map<String, Object> live = new ConcurrentHashMap<>();

    private final Map<String, List<PortForwarder>> forwarders = new ConcurrentHashMap<>();
    private final InstanceNetworks tenantNetworks;

    /** One per agent: runc's state lives in {@code <stateDir>/runc}, container records beside it. */
    public OciDriver(Path stateDir) {
        this(stateDir, InstanceNetworks.none("no networking was given to this driver"));
    }

    public OciDriver(Path stateDir, InstanceNetworks tenantNetworks) {
        this(stateDir, InstanceLinks.HOST_LEASES, System.getenv(), tenantNetworks);
    }

    OciDriver(Path stateDir, Path leaseDir, Map<String, String> agentHost) {
        this(stateDir, leaseDir, agentHost, InstanceNetworks.none("no networking was given to this driver"));
    }

    OciDriver(Path stateDir, Path leaseDir, Map<String, String> agentHost, InstanceNetworks tenantNetworks) {
        this.tenantNetworks = tenantNetworks;
        Path state = stateDir.toAbsolutePath().normalize();
        this.runcRoot = state.resolve("runc");
        this.records = state.resolve("containers");
        this.runc = tool("runc");
        this.umountTool = tool("umount");
        // Containers of two agents on one host may share an instance name: their cgroups must not.
        this.cgroupParent = "atoll/" + shortHash(state.toString()) + "-";
        this.network = new InstanceLinks(leaseDir, state.toString(), Path.of(tool("ip")));
        this.agentHost = Map.copyOf(agentHost);
    }

    /** Whether this node can run containers: runc installed and working, root, cgroups mounted. */
    public static DriverProbe probe() {
        Optional<Path> runc = Executables.find("runc");
        if (runc.isEmpty()) return new DriverProbe(false, "runc is not installed (not on PATH nor in /usr/sbin)");
        var version = HostCommands.run(List.of(runc.get().toString(), "--version"));
        if (!version.ok()) return new DriverProbe(false, runc.get() + " --version failed: " + version.output());
        if (!Executables.isRoot()) return new DriverProbe(false, "the agent does not run as root, which runc needs");
        if (!Files.isDirectory(Path.of("/sys/fs/cgroup/memory"))
                && !Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
            return new DriverProbe(false, "no cgroup filesystem is mounted at /sys/fs/cgroup");
        }
        if (Executables.find("ip").isEmpty()) return new DriverProbe(false, "ip (iproute2) is not installed");
        try {
            if (!Files.readString(Path.of("/proc/filesystems")).contains("overlay")) {
                return new DriverProbe(false, "the kernel has no overlay filesystem");
            }
        } catch (IOException e) {
            return new DriverProbe(false, "cannot read /proc/filesystems: " + e.getMessage());
        }
        return new DriverProbe(true, version.output().lines().findFirst().orElse("runc"));
    }

    @Override
    public Workload start(LaunchSpec spec) throws LaunchException {
        PreparedImage image = spec.image()
                .orElseThrow(() -> new LaunchException("the oci driver runs images, and this service names none"));
        String id = containerId(spec.name());
        synchronized (lock(id)) {
            teardown(id); // whatever an earlier life of this instance left behind
            Path rootfs = image.rootfs().toAbsolutePath();
            ContainerUser user = ContainerUser.resolve(image.config().user(), rootfs);
            Map<String, String> env = RuntimeSpec.environment(image.config(), spec.environment(), agentHost, user);
            List<String> args = RuntimeSpec.args(image.config(), spec.command(), env, rootfs);
            String cwd =
                    image.config().workingDir().isBlank() ? "/" : image.config().workingDir();
            String lower = rootfs.toString();
            if (lower.contains(",") || lower.contains(":")) {
                throw new LaunchException("the image's rootfs path cannot be used by overlayfs: " + lower);
            }
            Path bundle = spec.directory().toAbsolutePath().resolve("bundle");
            var record = new ContainerRecord(id, bundle.toString(), -1, spec.ports(), spec.tenant(), spec.networks());
            try {
                Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
                for (String dir : List.of("upper", "work", "rootfs")) Files.createDirectories(bundle.resolve(dir));
                record.save(records);
            } catch (IOException e) {
                throw new LaunchException("cannot create the container's bundle " + bundle + ": " + e, e);
            }
            try {
                List<RuntimeSpec.MountEntry> mounts = serviceMounts(spec, user);
                boolean onNetworks = !spec.networks().isEmpty();
                // On tenant networks a container reaches only them and the node's DNS server.
                var attachment = network.attach(id, !onNetworks);
                record = record.withBlock(attachment.block());
                save(record);
                tenantNetworks.join(spec.tenant(), attachment, spec.networks());
                String resolv = onNetworks ? tenantNetworks.resolvConf(spec, attachment) : resolvConf();
                String ownAddress = onNetworks ? spec.networks().getFirst().address() : attachment.containerAddress();
                mounts.addFirst(RuntimeSpec.overlayRoot(lower, bundle.resolve("upper"), bundle.resolve("work")));
                mounts.add(RuntimeSpec.bind("/etc/resolv.conf", write(bundle, "resolv.conf", resolv), true));
                if (onNetworks) network.useResolvConf(attachment, resolv);
                mounts.add(RuntimeSpec.bind("/etc/hosts", write(bundle, "hosts", hosts(ownAddress, id)), true));
                var config = RuntimeSpec.build(new RuntimeSpec.Inputs(
                        id,
                        args,
                        env,
                        cwd,
                        user,
                        spec.readOnly(),
                        spec.resources().cpuMillis(),
                        spec.resources().memoryBytes(),
                        cgroupParent + id,
                        attachment.netnsPath().toString(),
                        mounts));
                try {
                    JSON.writerWithDefaultPrettyPrinter()
                            .writeValue(bundle.resolve("config.json").toFile(), config);
                } catch (IOException e) {
                    throw new LaunchException("cannot write the container's config.json: " + e, e);
                }
                return launch(id, bundle, spec.logFile().toAbsolutePath(), record, attachment.containerAddress());
            } catch (LaunchException | RuntimeException e) {
                teardown(id);
                throw e;
            }
        }
    }

    private Workload launch(String id, Path bundle, Path logFile, ContainerRecord record, String address)
            throws LaunchException {
        Path pidFile = bundle.resolve("init.pid");
        long logStart;
        Process runcProcess;
        try {
            Files.deleteIfExists(pidFile);
            logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            runcProcess = new ProcessBuilder(
                            runc,
                            "--root",
                            runcRoot.toString(),
                            "run",
                            "--bundle",
                            bundle.toString(),
                            "--pid-file",
                            pidFile.toString(),
                            id)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new LaunchException("cannot run runc: " + e.getMessage(), e);
        }
        long pid = awaitPid(pidFile, runcProcess);
        if (pid <= 0) {
            boolean hung = runcProcess.isAlive();
            runcProcess.destroyForcibly();
            String said = logSince(logFile, logStart);
            throw new LaunchException(
                    hung
                            ? "runc did not start the container within " + START_TIMEOUT.toSeconds() + " s" + said
                            : "runc could not start the container" + said);
        }
        Instant started =
                ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).orElse(Instant.EPOCH);
        var token = new Object();
        live.put(id, token);
        List<String> unforwarded = openForwarders(id, record.ports(), address);
        if (!unforwarded.isEmpty()) {
            throw new LaunchException(unforwarded.getFirst());
        }
        CompletableFuture<ExitStatus> exit = runcProcess
                .onExit()
                .thenApplyAsync(
                        p -> {
                            endOf(id, token);
                            return ExitStatus.of(p.exitValue());
                        },
                        VIRTUAL);
        return new ContainerWorkload(new WorkloadRef(pid, started, id), exit);
    }

    /** The container's init pid once runc has written it, or 0 if runc ended or took too long. */
    private static long awaitPid(Path pidFile, Process runcProcess) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            // runc writes the file whole (a rename), so any content is the final one.
            try {
                String text = Files.readString(pidFile).strip();
                if (!text.isEmpty()) return Long.parseLong(text);
            } catch (IOException | NumberFormatException e) {
                // not there yet
            }
            if (!runcProcess.isAlive()) return Files.exists(pidFile) ? awaitPidOnce(pidFile) : 0;
            sleep(POLL);
        }
        return 0;
    }

    private static long awaitPidOnce(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public Optional<Workload> adopt(WorkloadRef ref) {
        String id = ref.handle();
        if (id.isEmpty()) return Optional.empty();
        synchronized (lock(id)) {
            Optional<ContainerRecord> record = ContainerRecord.load(records, id);
            if (record.isEmpty() || record.get().block() < 0) return Optional.empty();
            Optional<ProcessHandle> init = runningInit(id)
                    .filter(h -> h.pid() == ref.pid())
                    .filter(h -> h.info()
                            .startInstant()
                            .filter(ref.processStart()::equals)
                            .isPresent());
            if (init.isEmpty()) return Optional.empty();
            var token = new Object();
            live.put(id, token);
            var link = new InstanceLinks.Attachment(record.get().block());
            try {
                tenantNetworks.join(record.get().tenant(), link, record.get().networks());
            } catch (LaunchException e) {
                LOG.warn("adopting container {}: {}", id, e.getMessage());
            }
            openForwarders(id, record.get().ports(), link.containerAddress())
                    .forEach(problem -> LOG.warn("adopting container {}: {}", id, problem));
            return Optional.of(new ContainerWorkload(ref, watchAdopted(id, token, init.get())));
        }
    }

    /**
     * Completes when an adopted container's init ends: it is not our child, so its code is unknown.
     * Cancelling the future (the agent stops watching) ends the watch and leaves the container be.
     */
    private CompletableFuture<ExitStatus> watchAdopted(String id, Object token, ProcessHandle init) {
        var exit = new CompletableFuture<ExitStatus>();
        Thread.ofVirtual().name("atoll-oci-adopted-" + id).start(() -> {
            while (!exit.isDone() && LiveProcesses.running(init)) sleep(ADOPTED_POLL);
            if (exit.isDone()) return;
            endOf(id, token);
            exit.complete(ExitStatus.unknown());
        });
        return exit;
    }

    @Override
    public void stop(WorkloadRef ref, Duration grace) {
        String id = ref.handle();
        if (id.isEmpty()) return;
        synchronized (lock(id)) {
            Optional<ProcessHandle> init = runningInit(id);
            // A container of this name with another init is a later life of the instance: not ours to stop.
            if (init.isPresent() && init.get().pid() != ref.pid()) return;
            if (init.isPresent()) {
                runcQuiet("kill", id, "TERM");
                if (!awaitGone(init.get(), grace)) {
                    runcQuiet("kill", "--all", id, "KILL");
                    awaitGone(init.get(), KILL_TIMEOUT);
                }
            }
            teardown(id);
        }
    }

    @Override
    public void reclaim(Collection<WorkloadRef> keep) {
        Set<String> kept = keep.stream().map(WorkloadRef::handle).collect(Collectors.toSet());
        var ids = new TreeSet<String>();
        ids.addAll(names(runcRoot, ""));
        ids.addAll(names(records, ".json"));
        for (String id : ids) {
            if (kept.contains(id)) continue;
            synchronized (lock(id)) {
                LOG.info("reclaiming container {} that no instance owns", id);
                teardown(id);
            }
        }
        for (var lease : network.leases()) {
            if (!kept.contains(lease.containerId())) network.detach(lease.attachment(), lease.containerId());
        }
    }

    /**
     * Closes this driver's port forwarders and leaves every container running, as the agent's process
     * ending would; a new driver re-opens them when it adopts the containers.
     */
    void closeForwarders() {
        for (String id : List.copyOf(forwarders.keySet())) closeForwarders(id);
    }

    /** Called when runc or an adopted init ended: cleans up unless a newer life of the container has begun. */
    private void endOf(String id, Object token) {
        synchronized (lock(id)) {
            if (live.get(id) == token) teardown(id);
        }
    }

    /**
     * Removes everything of container {@code id} but its log and scratch directories. Each step checks
     * what is there, so it works on a container that is half gone and does nothing on one that is
     * gone. Callers hold the container's lock.
     */
    private void teardown(String id) {
        live.remove(id);
        closeForwarders(id);
        if (Files.exists(runcRoot.resolve(id))) runcQuiet("delete", "--force", id);
        Optional<ContainerRecord> record = ContainerRecord.load(records, id);
        if (record.isEmpty()) return;
        Path bundle = record.get().bundlePath();
        Path rootfs = bundle.resolve("rootfs");
        // runc mounts the overlay inside the container; a host mount here is left by an older agent.
        if (isMountPoint(rootfs)) {
            var result = HostCommands.run(List.of(umountTool, rootfs.toString()));
            if (!result.ok()) HostCommands.run(List.of(umountTool, "-l", rootfs.toString()));
        }
        if (record.get().block() >= 0) {
            var link = new InstanceLinks.Attachment(record.get().block());
            tenantNetworks.leave(link);
            network.detach(link, id);
        }
        try {
            deleteTree(bundle.resolve("upper"));
            deleteTree(bundle.resolve("work"));
            Files.deleteIfExists(bundle.resolve("init.pid"));
            ContainerRecord.delete(records, id);
        } catch (IOException e) {
            LOG.warn("cannot remove the upper layer of container {}: {}", id, e.toString());
        }
    }

    /** The container's init process, when runc knows the container as running. */
    private Optional<ProcessHandle> runningInit(String id) {
        if (!Files.exists(runcRoot.resolve(id))) return Optional.empty();
        var state = HostCommands.run(List.of(runc, "--root", runcRoot.toString(), "state", id));
        if (!state.ok()) return Optional.empty();
        try {
            JsonNode json = JSON.readTree(state.output());
            if (!"running".equals(json.path("status").asText())) return Optional.empty();
            return ProcessHandle.of(json.path("pid").asLong()).filter(LiveProcesses::running);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Publishes the container's ports (see {@link PortForwarder#publish}); answers what could not be. */
    private List<String> openForwarders(String id, Map<String, Integer> ports, String address) {
        var published = PortForwarder.publish(ports.values(), tenantNetworks.publishOn(), address);
        forwarders.put(id, published.forwarders());
        return published.failures();
    }

    private void closeForwarders(String id) {
        List<PortForwarder> open = forwarders.remove(id);
        if (open != null) open.forEach(PortForwarder::close);
    }

    /** tmpfs and scratch mounts; scratch directories are created (owned by the container's user) and kept. */
    private static List<RuntimeSpec.MountEntry> serviceMounts(LaunchSpec spec, ContainerUser user)
            throws LaunchException {
        var mounts = new ArrayList<RuntimeSpec.MountEntry>();
        for (Mount m : spec.mounts()) {
            if (!m.path().startsWith("/") || m.path().contains("..")) {
                throw new LaunchException("mount path must be absolute and plain: " + m.path());
            }
            switch (m.kind()) {
                case TMPFS -> mounts.add(RuntimeSpec.tmpfs(m.path()));
                case SCRATCH -> {
                    Path dir =
                            spec.directory().toAbsolutePath().resolve("scratch").resolve(scratchName(m.path()));
                    try {
                        if (!Files.isDirectory(dir)) {
                            Files.createDirectories(dir);
                            Files.setAttribute(dir, "unix:uid", user.uid());
                            Files.setAttribute(dir, "unix:gid", user.gid());
                        }
                    } catch (IOException | UnsupportedOperationException e) {
                        throw new LaunchException("cannot create the scratch directory " + dir + ": " + e, e);
                    }
                    mounts.add(RuntimeSpec.bind(m.path(), dir, false));
                }
            }
        }
        return mounts;
    }

    static String scratchName(String path) {
        String name = path.replaceAll("^/+|/+$", "").replaceAll("[^A-Za-z0-9_.-]", "_");
        return name.isEmpty() ? "_root" : name;
    }

    /**
     * A runc container id for an instance name: runc allows {@code [A-Za-z0-9_+.-]}; a name that had
     * to change, or is long, gets a hash of the original so two names never meet in one id.
     */
    static String containerId(String name) {
        String clean = name.replaceAll("[^A-Za-z0-9_+.-]", "-");
        if (clean.equals(name) && !clean.isEmpty() && clean.length() <= 64) return clean;
        String base = clean.length() > 48 ? clean.substring(0, 48) : clean;
        return (base.isEmpty() ? "c" : base) + "-" + shortHash(name);
    }

    /**
     * Whether {@code dir} is a mount point, by its device differing from its parent's: reading
     * /proc/self/mountinfo instead would cost in proportion to the host's mounts.
     */
    private static boolean isMountPoint(Path dir) {
        try {
            Object device = Files.getAttribute(dir, "unix:dev", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Object parent = Files.getAttribute(dir.getParent(), "unix:dev");
            return !device.equals(parent);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The host's resolvers, minus loopback ones, which mean nothing inside the container's own network. */
    private static String resolvConf() {
        try {
            return Files.readAllLines(Path.of("/etc/resolv.conf")).stream()
                            .filter(l -> !l.startsWith("nameserver 127.") && !l.startsWith("nameserver ::1"))
                            .collect(Collectors.joining("\n"))
                    + "\n";
        } catch (IOException e) {
            return "";
        }
    }

    private static String hosts(String address, String id) {
        return "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" + address + "\t" + id + "\n";
    }

    private static Path write(Path bundle, String name, String content) throws LaunchException {
        Path file = bundle.resolve(name);
        try {
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new LaunchException("cannot write " + file + ": " + e, e);
        }
    }

    private void save(ContainerRecord record) throws LaunchException {
        try {
            record.save(records);
        } catch (IOException e) {
            throw new LaunchException("cannot save the container's record: " + e, e);
        }
    }

    /** What runc wrote to the log since {@code from}, to tell the user why it failed. */
    private static String logSince(Path logFile, long from) {
        try (var file = new RandomAccessFile(logFile.toFile(), "r")) {
            long start = Math.max(from, file.length() - LOG_TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "" : ": " + text;
        } catch (IOException e) {
            return "";
        }
    }

    private void runcQuiet(String... args) {
        var argv = new ArrayList<String>(List.of(runc, "--root", runcRoot.toString()));
        argv.addAll(List.of(args));
        HostCommands.run(argv);
    }

    private Object lock(String id) {
        return locks.computeIfAbsent(id, k -> new Object());
    }

    private static List<String> names(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(suffix))
                    .map(n -> n.substring(0, n.length() - suffix.length()))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Deletes a directory tree; entries that vanish meanwhile (another cleanup of the same container) are fine. */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                Files.deleteIfExists(file);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) return java.nio.file.FileVisitResult.CONTINUE;
                throw e;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof java.nio.file.NoSuchFileException)) throw e;
                Files.deleteIfExists(d);
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }

    private static boolean awaitGone(ProcessHandle h, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (LiveProcesses.running(h)) {
            if (System.nanoTime() > deadline) return false;
            sleep(STOP_POLL);
        }
        return true;
    }

    private static String tool(String name) {
        return Executables.find(name).map(Path::toString).orElse(name);
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record ContainerWorkload(WorkloadRef ref, CompletableFuture<ExitStatus> exit) implements Workload {}
}
