package dev.atoll.agent.driver.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.atoll.agent.driver.CommandLine;
import dev.atoll.agent.driver.LaunchException;
import dev.atoll.image.ImageConfig;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OCI runtime {@code config.json} (runtime spec 1.0.2) of one container, and the pieces it is made
 * of: the container's environment, argv and user. Pure apart from reading the image's rootfs.
 */
final class RuntimeSpec {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final long CPU_PERIOD_MICROS = 100_000;
    /**
     * Open files per container: 65,536, or the agent's own hard limit when lower, since raising a
     * hard limit takes a capability an agent in a sandbox may lack.
     */
    static final long OPEN_FILES = Math.min(65_536, ownHardOpenFiles());

    /**
     * Variables the agent copies from its own environment into every instance (see the agent's
     * InstanceEnvironment). They describe the agent's host, not the image: a host PATH or HOME means
     * nothing inside a container, so they are dropped when they still carry the agent's own value.
     * A value the service set itself is kept.
     */
    static final Set<String> HOST_VARIABLES =
            Set.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CAPABILITIES = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
    private static final List<String> MASKED_PATHS = List.of(
            "/proc/acpi",
            "/proc/asound",
            "/proc/kcore",
            "/proc/keys",
            "/proc/latency_stats",
            "/proc/timer_list",
            "/proc/timer_stats",
            "/proc/sched_debug",
            "/sys/firmware",
            "/proc/scsi");
    private static final List<String> READONLY_PATHS =
            List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private RuntimeSpec() {}

    /** One entry of {@code mounts}. */
    record MountEntry(String destination, String type, String source, List<String> options) {}

    /** Everything config.json says, decided by the driver. */
    record Inputs(
            String hostname,
            List<String> args,
            Map<String, String> env,
            String cwd,
            ContainerUser user,
            boolean readOnly,
            long cpuMillis,
            long memoryBytes,
            String cgroupsPath,
            String netnsPath,
            List<MountEntry> extraMounts) {}

    /**
     * The container's environment, later entries winning: the image's {@code Env}, then the
     * instance's environment without the agent host's own variables; PATH and HOME default to the
     * usual ones when neither gives them.
     */
    static Map<String, String> environment(
            ImageConfig image, Map<String, String> instance, Map<String, String> agentHost, ContainerUser user) {
        var env = new LinkedHashMap<String, String>();
        for (String entry : image.env()) {
            int eq = entry.indexOf('=');
            if (eq > 0) env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        instance.forEach((name, value) -> {
            boolean fromAgentHost = HOST_VARIABLES.contains(name) && value.equals(agentHost.get(name));
            if (!fromAgentHost) env.put(name, value);
        });
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.putIfAbsent("HOME", user.home());
        return env;
    }

    /**
     * The argv: the image's entrypoint and cmd (or the service's command), with {@code ${VAR}}
     * expanded from the container's environment. argv[0] is checked against the image's rootfs so a
     * typo is reported before anything is created.
     */
    static List<String> args(ImageConfig image, List<String> command, Map<String, String> env, Path rootfs)
            throws LaunchException {
        List<String> raw = image.argv(command);
        if (raw.isEmpty()) {
            throw new LaunchException("the service gives no command and its image has neither entrypoint nor cmd");
        }
        var args = new ArrayList<String>(raw.size());
        for (String arg : raw) args.add(CommandLine.expand(arg, env));
        if (!existsInImage(args.get(0), env.getOrDefault("PATH", DEFAULT_PATH), rootfs)) {
            throw new LaunchException("command not found in the image: " + args.get(0));
        }
        return List.copyOf(args);
    }

    private static boolean existsInImage(String name, String path, Path rootfs) {
        if (name.isEmpty()) return false;
        // Symlinks are not followed: an absolute one points into the host, and busybox-style images
        // are made of them; the container's own exec reports anything subtler.
        if (name.indexOf('/') >= 0) return Files.exists(inRootfs(rootfs, name), LinkOption.NOFOLLOW_LINKS);
        for (String dir : path.split(":")) {
            if (!dir.startsWith("/")) continue;
            if (Files.exists(inRootfs(rootfs, dir + "/" + name), LinkOption.NOFOLLOW_LINKS)) return true;
        }
        return false;
    }

    private static Path inRootfs(Path rootfs, String absolute) {
        String relative = absolute.replaceFirst("^/+", "");
        return relative.isEmpty() ? rootfs : rootfs.resolve(relative);
    }

    private static long ownHardOpenFiles() {
        try {
            return Files.readAllLines(Path.of("/proc/self/limits")).stream()
                    .filter(l -> l.startsWith("Max open files"))
                    .map(l -> l.substring("Max open files".length()).trim().split("\\s+"))
                    .filter(f -> f.length > 1 && f[1].chars().allMatch(Character::isDigit))
                    .map(f -> Long.parseLong(f[1]))
                    .findFirst()
                    .orElse(65_536L);
        } catch (java.io.IOException | RuntimeException e) {
            return 65_536L;
        }
    }

    static ObjectNode build(Inputs in) {
        ObjectNode root = JSON.createObjectNode();
        root.put("ociVersion", "1.0.2");
        ObjectNode process = root.putObject("process");
        process.put("terminal", false);
        ObjectNode user = process.putObject("user");
        user.put("uid", in.user().uid());
        user.put("gid", in.user().gid());
        strings(process.putArray("args"), in.args());
        ArrayNode env = process.putArray("env");
        in.env().forEach((k, v) -> env.add(k + "=" + v));
        process.put("cwd", in.cwd());
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted", "ambient")) {
            strings(caps.putArray(set), CAPABILITIES);
        }
        ObjectNode nofile = process.putArray("rlimits").addObject();
        nofile.put("type", "RLIMIT_NOFILE");
        nofile.put("hard", OPEN_FILES);
        nofile.put("soft", OPEN_FILES);
        process.put("noNewPrivileges", true);

        ObjectNode rootfs = root.putObject("root");
        rootfs.put("path", "rootfs");
        rootfs.put("readonly", in.readOnly());
        root.put("hostname", in.hostname());

        ArrayNode mounts = root.putArray("mounts");
        // The root overlay goes first so the standard and service mounts land on top of it.
        for (MountEntry m : in.extraMounts()) if (m.destination().equals("/")) mount(mounts, m);
        for (MountEntry m : standardMounts()) mount(mounts, m);
        for (MountEntry m : in.extraMounts()) if (!m.destination().equals("/")) mount(mounts, m);

        ObjectNode linux = root.putObject("linux");
        ObjectNode resources = linux.putObject("resources");
        ObjectNode deny = resources.putArray("devices").addObject();
        deny.put("allow", false);
        deny.put("access", "rwm");
        if (in.memoryBytes() > 0) {
            ObjectNode memory = resources.putObject("memory");
            memory.put("limit", in.memoryBytes());
            // swap is memory+swap in cgroup v1: equal to the limit means no swap at all.
            memory.put("swap", in.memoryBytes());
        }
        if (in.cpuMillis() > 0) {
            ObjectNode cpu = resources.putObject("cpu");
            cpu.put("quota", in.cpuMillis() * CPU_PERIOD_MICROS / 1000);
            cpu.put("period", CPU_PERIOD_MICROS);
        }
        linux.put("cgroupsPath", in.cgroupsPath());
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String type : List.of("pid", "ipc", "uts", "mount"))
            namespaces.addObject().put("type", type);
        ObjectNode network = namespaces.addObject();
        network.put("type", "network");
        network.put("path", in.netnsPath());
        strings(linux.putArray("maskedPaths"), MASKED_PATHS);
        strings(linux.putArray("readonlyPaths"), READONLY_PATHS);
        return root;
    }

    /** What {@code runc spec} gives: proc, a small /dev, devpts, shm, mqueue, read-only sysfs and cgroups. */
    static List<MountEntry> standardMounts() {
        return List.of(
                new MountEntry("/proc", "proc", "proc", List.of()),
                new MountEntry("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new MountEntry(
                        "/dev/pts",
                        "devpts",
                        "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                new MountEntry(
                        "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                new MountEntry("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new MountEntry("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
                new MountEntry(
                        "/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
    }

    /**
     * The container's root as an overlay of the image's rootfs below {@code upper}, mounted by runc in
     * the container's own mount namespace over the (empty) bundle rootfs: the host's mount table does
     * not grow with the containers, so creating each next mount namespace costs the same.
     */
    static MountEntry overlayRoot(String lower, Path upper, Path work) {
        return new MountEntry(
                "/", "overlay", "overlay", List.of("lowerdir=" + lower, "upperdir=" + upper, "workdir=" + work));
    }

    static MountEntry tmpfs(String destination) {
        return new MountEntry(destination, "tmpfs", "tmpfs", List.of("nosuid", "nodev", "mode=1777"));
    }

    static MountEntry bind(String destination, Path source, boolean readOnly) {
        return new MountEntry(
                destination,
                "bind",
                source.toString(),
                readOnly ? List.of("rbind", "ro", "nosuid", "nodev") : List.of("rbind", "rw", "nosuid", "nodev"));
    }

    private static void mount(ArrayNode mounts, MountEntry m) {
        ObjectNode node = mounts.addObject();
        node.put("destination", m.destination());
        node.put("type", m.type());
        node.put("source", m.source());
        if (!m.options().isEmpty()) strings(node.putArray("options"), m.options());
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
