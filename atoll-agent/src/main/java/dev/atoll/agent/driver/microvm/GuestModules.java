package dev.atoll.agent.driver.microvm;

import dev.atoll.agent.driver.LaunchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel modules a guest loads before it has a network card: virtio-mmio (the microvm machine's only bus) and
 * virtio-net, with what they depend on, in an order {@code insmod} accepts. Debian's cloud kernel builds them as
 * modules, and an initramfs made from an OCI image has none of its own, so they come from the kernel's module tree:
 * {@code lib/modules/<version>} inside the image when the kernel is the image's, else the node's {@code /lib/modules}.
 */
final class GuestModules {
    /** What a guest needs for its cards, by module name. */
    static final List<String> NEEDED = List.of("virtio_mmio", "virtio_net");

    private GuestModules() {}

    /**
     * The module files to load, dependencies first; empty when the kernel has them built in.
     *
     * @param kernel the kernel booted, named {@code vmlinuz-<version>}
     * @param trees where module trees may be ({@code <tree>/<version>/modules.dep}), in order of preference
     */
    static List<Path> forKernel(Path kernel, List<Path> trees) throws LaunchException {
        String name = kernel.getFileName().toString();
        if (!name.startsWith("vmlinuz-")) {
            throw new LaunchException("cannot tell the version of the guest kernel " + kernel
                    + " (its name is not vmlinuz-<version>), so not which modules give it a network card");
        }
        String version = name.substring("vmlinuz-".length());
        for (Path tree : trees) {
            Path dir = tree.resolve(version);
            if (Files.isRegularFile(dir.resolve("modules.dep"))) return inOrder(dir, NEEDED);
        }
        throw new LaunchException("the guest kernel " + version + " has no module tree (looked in " + trees
                + "), so it cannot be given a network card");
    }

    /** The files of {@code wanted} and their dependencies under {@code dir} (one kernel's tree), dependencies first. */
    static List<Path> inOrder(Path dir, List<String> wanted) throws LaunchException {
        Set<String> builtin = new java.util.HashSet<>();
        Map<String, List<String>> dependencies = new HashMap<>();
        Map<String, String> fileByName = new HashMap<>();
        try {
            Path builtinList = dir.resolve("modules.builtin");
            if (Files.isRegularFile(builtinList)) {
                for (String line : Files.readAllLines(builtinList)) builtin.add(moduleName(line.strip()));
            }
            for (String line : Files.readAllLines(dir.resolve("modules.dep"))) {
                int colon = line.indexOf(':');
                if (colon <= 0) continue;
                String file = line.substring(0, colon).strip();
                String rest = line.substring(colon + 1).strip();
                fileByName.put(moduleName(file), file);
                dependencies.put(file, rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
            }
        } catch (IOException e) {
            throw new LaunchException("cannot read the guest kernel's module lists in " + dir + ": " + e, e);
        }
        var order = new LinkedHashSet<String>();
        for (String module : wanted) {
            if (builtin.contains(module)) continue;
            String file = Optional.ofNullable(fileByName.get(module))
                    .orElseThrow(() -> new LaunchException(
                            "the guest kernel has no " + module + " module (" + dir + "), so no network card"));
            visit(file, dependencies, order, new LinkedHashSet<>());
        }
        var files = new ArrayList<Path>();
        for (String file : order) {
            Path path = dir.resolve(file);
            if (!Files.isRegularFile(path))
                throw new LaunchException("the guest kernel's module " + path + " is missing");
            if (file.endsWith(".ko")) files.add(path);
            else
                throw new LaunchException("the guest kernel's module " + path
                        + " is compressed; the guest's insmod loads only plain .ko files");
        }
        return List.copyOf(files);
    }

    private static void visit(String file, Map<String, List<String>> dependencies, Set<String> order, Set<String> path)
            throws LaunchException {
        if (order.contains(file)) return;
        if (!path.add(file))
            throw new LaunchException("the guest kernel's modules depend on each other in a cycle: " + path);
        for (String dependency : dependencies.getOrDefault(file, List.of()))
            visit(dependency, dependencies, order, path);
        path.remove(file);
        order.add(file);
    }

    /** {@code kernel/drivers/net/virtio_net.ko} → {@code virtio_net} (modprobe's names use _ for -). */
    static String moduleName(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        int dot = base.indexOf(".ko");
        return (dot < 0 ? base : base.substring(0, dot)).replace('-', '_');
    }
}
