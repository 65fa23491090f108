package dev.atoll.agent.driver.microvm;

import dev.atoll.agent.driver.CommandLine;
import dev.atoll.agent.driver.Driver;
import dev.atoll.agent.driver.Executables;
import dev.atoll.agent.driver.ExitStatus;
import dev.atoll.agent.driver.LaunchException;
import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.agent.driver.LiveProcesses;
import dev.atoll.agent.driver.Workload;
import dev.atoll.agent.driver.WorkloadRef;
import dev.atoll.agent.network.InstanceNamespaces;
import dev.atoll.image.PreparedImage;
import dev.atoll.model.spec.Mount;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * The {@code microvm} driver: each instance is a QEMU {@code microvm} machine booting a Linux
 * kernel with the image's root file system as its initramfs. The image archive is built once per
 * image (cached under {@code stateDir/images}); each instance appends a small archive holding its
 * own {@code /init} (see {@link GuestInit}). The serial console is QEMU's standard output, appended
 * to the instance log; the guest command's exit code comes back as a marker line on it.
 *
 * <p>Each VM has a directory {@code stateDir/vm/<name>} (its {@link WorkloadRef#handle()}) with its
 * initramfs, QMP socket, pid file and launch facts; it is removed when the VM ends or is stopped.
 *
 * <p>A VM with tenant networks or ports gets network cards ({@link GuestNetwork}): its tenant networks' cards are
 * taps plugged into their segments, where the guest holds the replica's address, and its link card ends in a
 * network namespace of its own ({@link InstanceNamespaces#isolateGuest}) that forwards its published ports to it
 * and its DNS questions to the node. A node without tenant networking gives it none (a log line says so).
 *
 * <p>Not supported yet: {@code scratch} mounts (refused), a root disk instead of an initramfs, and a graceful shutdown
 * the guest acts on (the stock init has no ACPI handler, so a stop waits out its grace period
 * before QEMU is told to quit).
 */
public final class MicrovmDriver implements Driver {
    /** Image label: path inside the image of the kernel to boot. */
    public static final String KERNEL_LABEL = "dev.atoll.microvm.kernel";
    /** Image label: path inside the image of a complete initramfs, used as is (no atoll /init). */
    public static final String INITRD_LABEL = "dev.atoll.microvm.initrd";

    static final String QEMU = "qemu-system-x86_64";
    private static final long MIB = 1024 * 1024;
    private static final long DEFAULT_MEMORY_MIB = 128;
    /**
     * Debian's 6.1 cloud kernel does not boot at 64 MiB (QEMU ends at once) and does
     * at 70 with a 2 MiB initramfs; the initramfs is held twice while it is unpacked, hence the
     * second term of {@link #memoryMib}.
     */
    static final long MIN_MEMORY_MIB = 96;

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration QMP_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration QUIT_WAIT = Duration.ofSeconds(3);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final int EXIT_SEARCH_BYTES = 64 * 1024;
    /** sun_path is 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;

    private final Path stateDir;
    private final Path vmsDir;
    private final Path imagesDir;
    private final Accelerator accelerator;
    private final Optional<Path> defaultKernel;
    private final Optional<InstanceNamespaces> namespaces;

    /** A driver whose VMs have no network. */
    public MicrovmDriver(Path stateDir, Accelerator accelerator, Optional<Path> defaultKernel) {
        this(stateDir, accelerator, defaultKernel, Optional.empty());
    }

    /** With {@code namespaces}, VMs on tenant networks or with ports get network cards; without, their start fails. */
    public MicrovmDriver(
            Path stateDir,
            Accelerator accelerator,
            Optional<Path> defaultKernel,
            Optional<InstanceNamespaces> namespaces) {
        this.namespaces = namespaces;
        this.stateDir = stateDir.toAbsolutePath().normalize();
        this.vmsDir = this.stateDir.resolve("vm");
        this.imagesDir = this.stateDir.resolve("images");
        this.accelerator = accelerator;
        this.defaultKernel = defaultKernel;
    }

    public Accelerator accelerator() {
        return accelerator;
    }

    // ---------------------------------------------------------------- detection

    /**
     * Boots {@code kernel} with no initramfs under KVM, waiting at most {@code timeout} for its
     * first console line ("Linux version"), then under TCG the same way. Detection is by trying
     * because a usable-looking {@code /dev/kvm} can still hang the guest or abort QEMU.
     */
    public static MicrovmProbe probe(Path kernel, Duration timeout) {
        Optional<Path> qemu = findQemu();
        if (qemu.isEmpty()) return new MicrovmProbe(Optional.empty(), QEMU + " not found on PATH");
        if (!Files.isRegularFile(kernel)) return new MicrovmProbe(Optional.empty(), "no kernel at " + kernel);
        var details = new ArrayList<String>();
        for (Accelerator candidate : List.of(Accelerator.KVM, Accelerator.TCG)) {
            String outcome = tryBoot(qemu.get(), kernel, candidate, timeout);
            details.add(candidate.wireName() + ": " + outcome);
            if (outcome.equals("boots")) return new MicrovmProbe(Optional.of(candidate), String.join("; ", details));
        }
        return new MicrovmProbe(Optional.empty(), String.join("; ", details));
    }

    /** The newest {@code /boot/vmlinuz-*}, a cloud kernel if there is one (fewer drivers, faster boot). */
    public static Optional<Path> findDefaultKernel() {
        return newestKernel(Path.of("/boot"));
    }

    private static String tryBoot(Path qemu, Path kernel, Accelerator candidate, Duration timeout) {
        var command = List.of(
                qemu.toString(),
                "-M",
                "microvm",
                "-accel",
                candidate.wireName(),
                "-m",
                "128",
                "-nodefaults",
                "-no-user-config",
                "-display",
                "none",
                "-serial",
                "stdio",
                "-no-reboot",
                "-kernel",
                kernel.toString(),
                "-append",
                "console=ttyS0 panic=-1");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            return "cannot start " + QEMU + ": " + e.getMessage();
        }
        var outcome = new CompletableFuture<String>();
        Thread.ofVirtual().name("atoll-microvm-probe").start(() -> {
            String last = "";
            try (var reader =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.contains("Linux version")) {
                        outcome.complete("boots");
                        return;
                    }
                    if (!line.isBlank()) last = line.strip();
                }
            } catch (IOException e) {
                // the process was killed at the deadline
            }
            outcome.complete(
                    "QEMU ended before the kernel printed anything" + (last.isEmpty() ? "" : " (" + last + ")"));
        });
        try {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return "no kernel output within " + timeout.toMillis() + " ms (guest hangs)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (java.util.concurrent.ExecutionException e) {
            return "failed: " + e.getCause();
        } finally {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static Optional<Path> findQemu() {
        return Executables.find(QEMU);
    }

    static Optional<Path> newestKernel(Path bootDir) {
        if (!Files.isDirectory(bootDir)) return Optional.empty();
        try (Stream<Path> files = Files.list(bootDir)) {
            List<Path> kernels = files.filter(p -> p.getFileName().toString().startsWith("vmlinuz"))
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(
                                    (Path p) -> p.getFileName().toString().endsWith("-cloud-amd64"))
                            .thenComparing(p -> p.getFileName().toString(), MicrovmDriver::compareVersions))
                    .toList();
            return kernels.isEmpty() ? Optional.empty() : Optional.of(kernels.getLast());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Compares names by their runs of digits as numbers, so that 6.1.0-10 is newer than 6.1.0-9. */
    static int compareVersions(String a, String b) {
        String[] pa = a.split("(?<=\\D)(?=\\d)|(?<=\\d)(?=\\D)");
        String[] pb = b.split("(?<=\\D)(?=\\d)|(?<=\\d)(?=\\D)");
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            int c = Character.isDigit(pa[i].charAt(0)) && Character.isDigit(pb[i].charAt(0))
                    ? new java.math.BigInteger(pa[i]).compareTo(new java.math.BigInteger(pb[i]))
                    : pa[i].compareTo(pb[i]);
            if (c != 0) return c;
        }
        return Integer.compare(pa.length, pb.length);
    }

    // ---------------------------------------------------------------- start

    @Override
    public Workload start(LaunchSpec spec) throws LaunchException {
        return start(spec, null);
    }

    /**
     * The same VM (machine, memory, cpus, kernel, initramfs and command line, so that the state of
     * a running one fits it) waiting for that state on {@code address:port} ({@code -incoming}).
     */
    @Override
    public Workload startIncoming(LaunchSpec spec, String address, int port) throws LaunchException {
        String host = address.contains(":") ? "[" + address + "]" : address;
        return start(spec, "tcp:" + host + ":" + port);
    }

    @Override
    public boolean awaitIncoming(WorkloadRef ref, Duration timeout) {
        Optional<Path> vmDir = vmDirOf(ref);
        if (vmDir.isEmpty()) return false;
        Path socket = vmDir.get().resolve("qmp.sock");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (live(ref).isEmpty()) return false;
            Optional<String> status = Qmp.ask(socket, "{\"execute\":\"query-status\"}", QMP_TIMEOUT);
            if (status.isPresent() && status.get().contains("\"status\": \"running\"")) return true;
            if (!sleep(POLL)) return false;
        }
        return false;
    }

    /** How long a source tries to reach its destination, which may still be starting its QEMU. */
    private static final Duration CONNECT_FOR = Duration.ofSeconds(20);

    @Override
    public MigrationOutcome migrate(WorkloadRef ref, String address, int port, Duration timeout) {
        Optional<Path> vmDir = vmDirOf(ref);
        if (vmDir.isEmpty() || live(ref).isEmpty()) {
            return new MigrationOutcome(false, "the VM does not run here", Duration.ZERO);
        }
        Path socket = vmDir.get().resolve("qmp.sock");
        String host = address.contains(":") ? "[" + address + "]" : address;
        String uri = "tcp:" + host + ":" + port;
        long deadline = System.nanoTime() + timeout.toNanos();
        long connectBy = System.nanoTime() + CONNECT_FOR.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Optional<String> asked =
                    Qmp.ask(socket, "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"" + uri + "\"}}", QMP_TIMEOUT);
            if (asked.isEmpty()) return new MigrationOutcome(false, "QEMU's monitor did not answer", Duration.ZERO);
            if (asked.get().contains("\"error\"")) {
                return new MigrationOutcome(false, "QEMU refused to migrate: " + asked.get(), Duration.ZERO);
            }
            // Started: follow it until it completes or fails (a destination not listening yet fails at once).
            while (System.nanoTime() < deadline) {
                Optional<String> state = Qmp.ask(socket, "{\"execute\":\"query-migrate\"}", QMP_TIMEOUT);
                if (state.isEmpty())
                    return new MigrationOutcome(false, "QEMU's monitor stopped answering", Duration.ZERO);
                String s = state.get();
                if (s.contains("\"status\": \"completed\"")) {
                    return new MigrationOutcome(
                            true, "memory sent to " + uri, Duration.ofMillis(number(s, "downtime")));
                }
                if (s.contains("\"status\": \"failed\"") || s.contains("\"status\": \"cancelled\"")) {
                    last = s;
                    break;
                }
                if (!sleep(Duration.ofMillis(20))) return new MigrationOutcome(false, "interrupted", Duration.ZERO);
            }
            if (System.nanoTime() > connectBy) break;
            if (!sleep(Duration.ofMillis(200))) break;
        }
        // A failed migration leaves the guest running here; cancel whatever may still be under way.
        Qmp.ask(socket, "{\"execute\":\"migrate_cancel\"}", QMP_TIMEOUT);
        return new MigrationOutcome(
                false,
                "the migration to " + uri + " did not complete" + (last.isEmpty() ? "" : ": " + last),
                Duration.ZERO);
    }

    /** The whole number after {@code "name": } in a QMP answer, or 0. */
    static long number(String json, String name) {
        var m = java.util.regex.Pattern.compile("\"" + name + "\":\\s*(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Workload start(LaunchSpec spec, String incoming) throws LaunchException {
        PreparedImage image = spec.image()
                .orElseThrow(() -> new LaunchException("the microvm driver runs images, and this service names none"));
        Path qemu = findQemu().orElseThrow(() -> new LaunchException(QEMU + " is not installed on this node"));
        for (Mount mount : spec.mounts()) checkMount(mount);
        Path kernel = kernelFor(image);
        Path vmDir = vmsDir.resolve(spec.name()).normalize();
        if (!vmDir.getParent().equals(vmsDir))
            throw new LaunchException("instance name is not a file name: " + spec.name());
        Path qmpSocket = vmDir.resolve("qmp.sock");
        if (qmpSocket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new LaunchException("the agent's state directory " + stateDir
                    + " is too deep for a QEMU monitor socket; use a shorter path");
        }
        try {
            Files.createDirectories(spec.directory());
            Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
            deleteTree(vmDir); // left by an earlier run of this instance that ended
            Files.createDirectories(vmDir);
        } catch (IOException e) {
            throw new LaunchException("cannot create the VM directory " + vmDir + ": " + e.getMessage(), e);
        }
        Optional<InstanceNamespaces.GuestIsolation> isolation = Optional.empty();
        if (!spec.networks().isEmpty() || !spec.ports().isEmpty()) {
            boolean translates =
                    Executables.find(InstanceNamespaces.GUEST_TRANSLATION_TOOL).isPresent();
            if (namespaces.isPresent() && !translates && !spec.ports().isEmpty()) {
                throw new LaunchException("publishing a micro-VM's ports needs nft (Debian's nftables) on the node,"
                        + " which this node does not have");
            }
            if (namespaces.isPresent()) {
                isolation = Optional.of(namespaces.get().isolateGuest(spec));
            } else if (!spec.networks().isEmpty()) {
                throw new LaunchException("this node cannot put micro-VMs on tenant networks (it runs without root or"
                        + " without iproute2)");
            }
        }
        try {
            return start(spec, incoming, image, qemu, kernel, vmDir, qmpSocket, isolation);
        } catch (LaunchException | RuntimeException e) {
            isolation.ifPresent(i -> namespaces.get().release(i.isolation().instance()));
            throw e;
        }
    }

    private Workload start(
            LaunchSpec spec,
            String incoming,
            PreparedImage image,
            Path qemu,
            Path kernel,
            Path vmDir,
            Path qmpSocket,
            Optional<InstanceNamespaces.GuestIsolation> isolation)
            throws LaunchException {
        Optional<GuestNetwork> network = Optional.empty();
        if (isolation.isPresent()) {
            var link = isolation.get().isolation().link();
            String dns = namespaces.get().guestResolvConf(spec, link);
            network = Optional.of(GuestNetwork.of(
                    isolation.get(),
                    dns,
                    GuestModules.forKernel(
                            kernel, List.of(image.rootfs().resolve("lib/modules"), Path.of("/lib/modules")))));
        }
        Path initrd = vmDir.resolve("initrd.cpio");
        long initrdBytes = prepareInitrd(spec, image, initrd, network);
        long memoryMib = memoryMib(spec.resources().memoryBytes(), initrdBytes);
        int cpus = cpus(spec.resources().cpuMillis());

        long logOffset;
        try {
            var notes = new StringBuilder();
            notes.append(
                            incoming == null
                                    ? "atoll: booting micro-VM ("
                                    : "atoll: receiving a running micro-VM on " + incoming + " (")
                    .append(accelerator.wireName())
                    .append(", ")
                    .append(memoryMib)
                    .append(" MiB, ")
                    .append(cpus)
                    .append(cpus == 1 ? " cpu" : " cpus")
                    .append(", kernel ")
                    .append(kernel)
                    .append(")\n");
            if (network.isPresent()
                    && Executables.find(InstanceNamespaces.GUEST_TRANSLATION_TOOL)
                            .isEmpty()) {
                notes.append("atoll: this node has no nft, so the guest has no DNS (its tenant networks work)\n");
            }
            if (!spec.ports().isEmpty() && network.isEmpty()) {
                notes.append("atoll: this node gives micro-VMs no network; ports ")
                        .append(String.join(
                                ", ", new java.util.TreeSet<>(spec.ports().keySet())))
                        .append(" are not reachable\n");
            }
            Files.writeString(spec.logFile(), notes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            logOffset = Files.size(spec.logFile());
            var launch = new Properties();
            launch.setProperty("log", spec.logFile().toAbsolutePath().toString());
            launch.setProperty("logOffset", Long.toString(logOffset));
            try (OutputStream out = Files.newOutputStream(vmDir.resolve("launch.properties"))) {
                launch.store(out, "atoll micro-VM " + spec.name());
            }
        } catch (IOException e) {
            throw new LaunchException("cannot write the instance log " + spec.logFile() + ": " + e.getMessage(), e);
        }

        var command = new ArrayList<>(List.of(
                qemu.toString(),
                "-name",
                "atoll-" + spec.name(),
                "-M",
                "microvm",
                "-accel",
                accelerator.wireName(),
                "-m",
                Long.toString(memoryMib),
                "-smp",
                Integer.toString(cpus),
                "-nodefaults",
                "-no-user-config",
                "-display",
                "none",
                "-serial",
                "stdio",
                "-no-reboot",
                "-qmp",
                "unix:" + qmpSocket + ",server=on,wait=off",
                "-pidfile",
                vmDir.resolve("qemu.pid").toString(),
                "-kernel",
                kernel.toString(),
                "-initrd",
                initrd.toString(),
                "-append",
                kernelCommandLine(accelerator)));
        network.ifPresent(n -> command.addAll(n.qemuOptions()));
        if (incoming != null) command.addAll(List.of("-incoming", incoming));
        var builder = new ProcessBuilder(command)
                .directory(vmDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
                .redirectErrorStream(true);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            deleteQuietly(vmDir);
            throw new LaunchException("cannot start " + QEMU + ": " + e.getMessage(), e);
        }
        if (isolation.isPresent()) bringLinkIn(process, qmpSocket, isolation.get(), spec.logFile());
        ProcessHandle handle = process.toHandle();
        Instant started = handle.info().startInstant().orElse(Instant.EPOCH);
        Path logFile = spec.logFile();
        CompletableFuture<ExitStatus> exit = process.onExit().thenApply(p -> {
            ExitStatus status = guestExit(logFile, logOffset);
            deleteQuietly(vmDir);
            return status;
        });
        return new VmWorkload(new WorkloadRef(handle.pid(), started, vmDir.toString()), exit);
    }

    /** How long QEMU may take to open its taps (its monitor answers once it has). */
    private static final Duration TAPS_OPEN_WITHIN = Duration.ofSeconds(20);

    /**
     * Once QEMU holds the link card's tap (it opens taps by name on the node, before its monitor answers), moves it
     * into the VM's namespace. A VM whose link cannot be made is stopped: its ports would not answer.
     */
    private void bringLinkIn(Process process, Path qmpSocket, InstanceNamespaces.GuestIsolation isolation, Path logFile)
            throws LaunchException {
        long deadline = System.nanoTime() + TAPS_OPEN_WITHIN.toNanos();
        boolean answered = false;
        while (!answered && process.isAlive() && System.nanoTime() < deadline) {
            answered = Qmp.ask(qmpSocket, "{\"execute\":\"query-status\"}", QMP_TIMEOUT)
                    .isPresent();
            if (!answered && !sleep(POLL)) break;
        }
        Optional<String> problem = answered
                ? namespaces.get().bringGuestLinkIn(isolation.isolation())
                : Optional.of(process.isAlive() ? "QEMU's monitor did not answer" : "QEMU ended at once");
        if (problem.isEmpty()) return;
        process.destroyForcibly();
        try {
            process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new LaunchException("cannot link the micro-VM to its node: " + problem.get() + " (see " + logFile + ")");
    }

    private static void checkMount(Mount mount) throws LaunchException {
        String path = mount.path();
        if (!path.startsWith("/") || List.of(path.split("/")).contains("..")) {
            throw new LaunchException("mount path must be absolute and without ..: " + path);
        }
        if (mount.kind() == Mount.Kind.SCRATCH) {
            throw new LaunchException("the microvm driver does not support scratch mounts yet (" + path
                    + "); use tmpfs, or the oci driver");
        }
    }

    private Path kernelFor(PreparedImage image) throws LaunchException {
        String label = image.config().labels().get(KERNEL_LABEL);
        if (label != null) {
            Path kernel = insideRootfs(image.rootfs(), label, KERNEL_LABEL);
            if (!Files.isRegularFile(kernel)) {
                throw new LaunchException(
                        "image label " + KERNEL_LABEL + " names " + label + ", which the image does not have");
            }
            return kernel;
        }
        Optional<Path> own = newestKernel(image.rootfs().resolve("boot"));
        if (own.isPresent()) return own.get();
        return defaultKernel
                .filter(Files::isRegularFile)
                .orElseThrow(() -> new LaunchException("no kernel to boot: the image has no /boot/vmlinuz* and no "
                        + KERNEL_LABEL + " label, and this node has no default kernel"));
    }

    private static Path insideRootfs(Path rootfs, String pathInImage, String label) throws LaunchException {
        Path resolved = rootfs.resolve(pathInImage.replaceFirst("^/+", "")).normalize();
        if (!resolved.startsWith(rootfs.normalize())) {
            throw new LaunchException("image label " + label + " points outside the image: " + pathInImage);
        }
        return resolved;
    }

    /** Writes the VM's initramfs to {@code target}; returns its size. */
    private long prepareInitrd(LaunchSpec spec, PreparedImage image, Path target, Optional<GuestNetwork> network)
            throws LaunchException {
        String label = image.config().labels().get(INITRD_LABEL);
        try {
            if (label != null) {
                Path given = insideRootfs(image.rootfs(), label, INITRD_LABEL);
                if (!Files.isRegularFile(given)) {
                    throw new LaunchException(
                            "image label " + INITRD_LABEL + " names " + label + ", which the image does not have");
                }
                Files.createSymbolicLink(target, given);
                return Files.size(given);
            }
            if (!Files.exists(image.rootfs().resolve("bin/sh"))) {
                throw new LaunchException("the image has no /bin/sh, which the micro-VM's init script needs");
            }
            Path imageArchive = imageArchive(image);
            byte[] instance = guestInit(spec, image, network).archive();
            Files.copy(imageArchive, target, StandardCopyOption.REPLACE_EXISTING);
            // The kernel unpacks concatenated archives in turn; later entries win.
            Files.write(target, instance, StandardOpenOption.APPEND);
            return Files.size(target);
        } catch (IOException e) {
            throw new LaunchException("cannot build the micro-VM's initramfs: " + e.getMessage(), e);
        }
    }

    static GuestInit guestInit(LaunchSpec spec, PreparedImage image) throws LaunchException {
        return guestInit(spec, image, Optional.empty());
    }

    static GuestInit guestInit(LaunchSpec spec, PreparedImage image, Optional<GuestNetwork> network)
            throws LaunchException {
        var environment = new LinkedHashMap<String, String>();
        for (String entry : image.config().env()) {
            int eq = entry.indexOf('=');
            if (eq > 0) environment.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        environment.putAll(new java.util.TreeMap<>(spec.environment()));
        List<String> argv = image.config().argv(spec.command());
        if (argv.isEmpty()) {
            throw new LaunchException(
                    "no command to run: the service gives none and the image has neither entrypoint nor cmd");
        }
        var expanded = new ArrayList<String>(argv.size());
        for (String arg : argv) expanded.add(CommandLine.expand(arg, environment));
        List<String> tmpfs = spec.mounts().stream()
                .filter(m -> m.kind() == Mount.Kind.TMPFS)
                .map(Mount::path)
                .toList();
        return new GuestInit(
                spec.name(), environment, image.config().workingDir(), expanded, tmpfs, spec.readOnly(), network);
    }

    /** The image's root file system as a cpio archive, built once per manifest digest. */
    private synchronized Path imageArchive(PreparedImage image) throws IOException {
        String name = image.manifestDigest().replaceAll("[^A-Za-z0-9._-]", "_") + ".cpio";
        Path archive = imagesDir.resolve(name);
        if (Files.isRegularFile(archive)) return archive;
        Files.createDirectories(imagesDir);
        Path partial = imagesDir.resolve(name + ".partial");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
            var cpio = new NewcArchive(out);
            cpio.tree(image.rootfs());
            cpio.finish();
        }
        Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return archive;
    }

    static long memoryMib(long memoryBytes, long initrdBytes) {
        long asked = memoryBytes == 0 ? DEFAULT_MEMORY_MIB : (memoryBytes + MIB - 1) / MIB;
        long floor = Math.max(MIN_MEMORY_MIB, 80 + 2 * ((initrdBytes + MIB - 1) / MIB));
        return Math.max(asked, floor);
    }

    static int cpus(long cpuMillis) {
        return (int) Math.max(1, (cpuMillis + 999) / 1000);
    }

    /**
     * Under TCG the kernel often fails to measure the TSC against the emulated PIT when the host is
     * busy, and then hangs calibrating its delay loop; telling it the TSC rate (the host's, which is
     * what TCG's TSC counts) skips both.
     */
    static String kernelCommandLine(Accelerator accelerator) {
        // pci=off: microvm has no PCI bus, and the kernel would say so in every instance log.
        String base = "console=ttyS0 quiet panic=-1 pci=off";
        if (accelerator == Accelerator.KVM) return base;
        return base + " no_timer_check tsc_early_khz=" + hostTscKhz();
    }

    static long hostTscKhz() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("cpu MHz"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst()
                    .map(mhz -> Math.round(Double.parseDouble(mhz) * 1000))
                    .orElse(2_000_000L);
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            return 2_000_000L;
        }
    }

    /** The guest command's exit code, from the last marker line written to the log since launch. */
    static ExitStatus guestExit(Path logFile, long offset) {
        try (var file = new RandomAccessFile(logFile.toFile(), "r")) {
            long from = Math.max(offset, file.length() - EXIT_SEARCH_BYTES);
            byte[] tail = new byte[(int) Math.max(0, file.length() - from)];
            file.seek(from);
            file.readFully(tail);
            Matcher m = GuestInit.EXIT_LINE.matcher(new String(tail, StandardCharsets.UTF_8));
            OptionalInt code = OptionalInt.empty();
            while (m.find()) code = OptionalInt.of(Integer.parseInt(m.group(1)));
            return new ExitStatus(code);
        } catch (IOException | RuntimeException e) {
            return ExitStatus.unknown();
        }
    }

    // ---------------------------------------------------------------- adopt, stop, reclaim

    @Override
    public Optional<Workload> adopt(WorkloadRef ref) {
        Optional<Path> vmDir = vmDirOf(ref);
        if (vmDir.isEmpty()) return Optional.empty();
        Optional<Workload> adopted = live(ref).map(h -> new VmWorkload(ref, watch(h, vmDir.get())));
        if (adopted.isPresent()) {
            namespaces.ifPresent(n -> n.readopt(vmDir.get().getFileName().toString()));
        }
        return adopted;
    }

    @Override
    public void stop(WorkloadRef ref, Duration grace) {
        Optional<Path> vmDir = vmDirOf(ref);
        Optional<ProcessHandle> qemu = live(ref);
        if (qemu.isPresent()) {
            ProcessHandle h = qemu.get();
            Path socket = vmDir.map(d -> d.resolve("qmp.sock")).orElse(null);
            boolean asked = socket != null && Qmp.execute(socket, "system_powerdown", QMP_TIMEOUT);
            if (!asked || !awaitGone(h, grace)) {
                if (socket != null && Qmp.execute(socket, "quit", QMP_TIMEOUT)) awaitGone(h, QUIT_WAIT);
                if (LiveProcesses.running(h)) {
                    h.destroyForcibly();
                    awaitGone(h, KILL_WAIT);
                }
            }
        }
        vmDir.ifPresent(MicrovmDriver::deleteQuietly);
        vmDir.ifPresent(
                dir -> namespaces.ifPresent(n -> n.release(dir.getFileName().toString())));
    }

    @Override
    public void reclaim(Collection<WorkloadRef> keep) {
        Set<Path> kept = new HashSet<>();
        for (WorkloadRef ref : keep) vmDirOf(ref).ifPresent(kept::add);
        namespaces.ifPresent(n ->
                n.reclaim(kept.stream().map(dir -> dir.getFileName().toString()).toList()));
        for (ProcessHandle h : ProcessHandle.allProcesses().toList()) {
            Optional<Path> dir = vmDirOfProcess(h.pid());
            if (dir.isEmpty() || kept.contains(dir.get())) continue;
            h.destroyForcibly();
            awaitGone(h, KILL_WAIT);
        }
        if (!Files.isDirectory(vmsDir)) return;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(vmsDir)) {
            for (Path dir : dirs) if (!kept.contains(dir)) deleteQuietly(dir);
        } catch (IOException e) {
            // reclaim is best effort; the next agent start tries again
        }
    }

    /** The VM directory a QEMU process of this driver was started with, from its pid file option. */
    private Optional<Path> vmDirOfProcess(long pid) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String[] args = new String(raw, StandardCharsets.UTF_8).split("\0");
        if (args.length == 0 || !args[0].endsWith(QEMU)) return Optional.empty();
        for (int i = 0; i + 1 < args.length; i++) {
            if (!args[i].equals("-pidfile")) continue;
            Path dir = Path.of(args[i + 1]).getParent();
            if (dir != null && vmsDir.equals(dir.getParent())) return Optional.of(dir);
        }
        return Optional.empty();
    }

    /** Only directories of this driver are ever deleted, whatever a stored ref says. */
    private Optional<Path> vmDirOf(WorkloadRef ref) {
        if (ref.handle().isEmpty()) return Optional.empty();
        Path dir = Path.of(ref.handle()).toAbsolutePath().normalize();
        return vmsDir.equals(dir.getParent()) ? Optional.of(dir) : Optional.empty();
    }

    /** The QEMU process {@code ref} names: same pid, same start instant, and still this VM's. */
    private Optional<ProcessHandle> live(WorkloadRef ref) {
        Optional<Path> dir = vmDirOf(ref);
        return ProcessHandle.of(ref.pid())
                .filter(LiveProcesses::running)
                .filter(h -> h.info()
                        .startInstant()
                        .filter(ref.processStart()::equals)
                        .isPresent())
                .filter(h -> dir.isPresent() && vmDirOfProcess(h.pid()).equals(dir));
    }

    private CompletableFuture<ExitStatus> watch(ProcessHandle h, Path vmDir) {
        // Read now: whoever sees the VM end first removes its directory.
        Optional<Properties> launch = launchFacts(vmDir);
        var exit = new CompletableFuture<ExitStatus>();
        Thread.ofVirtual().name("atoll-microvm-" + h.pid()).start(() -> {
            while (!exit.isDone() && LiveProcesses.running(h)) {
                try {
                    Thread.sleep(POLL);
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (exit.isDone()) return; // the agent stopped watching
            ExitStatus status = launch.map(MicrovmDriver::guestExit).orElseGet(ExitStatus::unknown);
            deleteQuietly(vmDir);
            exit.complete(status);
        });
        return exit;
    }

    private static ExitStatus guestExit(Properties launch) {
        try {
            return guestExit(Path.of(launch.getProperty("log")), Long.parseLong(launch.getProperty("logOffset")));
        } catch (RuntimeException e) {
            return ExitStatus.unknown();
        }
    }

    private static Optional<Properties> launchFacts(Path vmDir) {
        try (var in = Files.newInputStream(vmDir.resolve("launch.properties"))) {
            var launch = new Properties();
            launch.load(in);
            return Optional.of(launch);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean awaitGone(ProcessHandle h, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (LiveProcesses.running(h)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            try {
                Thread.sleep(
                        Duration.ofNanos(Math.min(left, Duration.ofMillis(20).toNanos())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            // best effort: reclaim removes it at the next agent start
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (NoSuchFileException e) {
            return;
        }
        for (Path p : paths) Files.deleteIfExists(p);
    }

    private record VmWorkload(WorkloadRef ref, CompletableFuture<ExitStatus> exit) implements Workload {}
}
