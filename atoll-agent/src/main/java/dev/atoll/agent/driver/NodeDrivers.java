package dev.atoll.agent.driver;

import dev.atoll.agent.driver.microvm.Accelerator;
import dev.atoll.agent.driver.microvm.MicrovmDriver;
import dev.atoll.agent.driver.microvm.MicrovmProbe;
import dev.atoll.agent.driver.oci.OciDriver;
import dev.atoll.agent.network.InstanceNamespaces;
import dev.atoll.agent.network.InstanceNetworks;
import dev.atoll.model.spec.DriverKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which drivers this node can run, found by trying: runc present and working for {@code oci}; QEMU
 * present and a kernel that boots under KVM, else under software emulation, for {@code microvm}.
 * {@code process} always works.
 */
public final class NodeDrivers {
    /** A guest kernel prints its first console line within a second under KVM or TCG; a hung KVM never does. */
    private static final Duration MICROVM_PROBE_TIMEOUT = Duration.ofSeconds(8);

    /**
     * @param drivers what runs here
     * @param details how each runs, for {@code atoll get nodes -o wide} (microvm: kvm or tcg)
     * @param missing each driver that does not run here, with why
     */
    public record Found(Map<DriverKind, Driver> drivers, Map<String, String> details, Map<DriverKind, String> missing) {
        public Set<String> names() {
            return drivers.keySet().stream()
                    .map(DriverKind::wireName)
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
        }
    }

    /** Probes of this JVM by kernel: `atoll dev` runs many agents in one process. */
    private static final Map<Path, MicrovmProbe> PROBED = new java.util.concurrent.ConcurrentHashMap<>();

    private NodeDrivers() {}

    /**
     * Boots the kernel once per JVM, and once per machine for an accelerator that worked: the answer
     * is kept in the temp dir under a name made of the kernel's and QEMU's path, size and mtime, so
     * the many agents of one machine (and their restarts) do not each boot a probe guest.
     */
    private static MicrovmProbe probeOnce(Path kernel) {
        return PROBED.computeIfAbsent(kernel, k -> {
            Optional<Path> marker = probeMarker(k);
            if (marker.isPresent()) {
                try {
                    String known = java.nio.file.Files.readString(marker.get()).strip();
                    for (var accelerator : Accelerator.values()) {
                        if (accelerator.name().equals(known)) {
                            return new MicrovmProbe(
                                    Optional.of(accelerator), "found by an earlier probe on this machine");
                        }
                    }
                } catch (java.io.IOException e) {
                    // not probed yet on this machine
                }
            }
            var probe = MicrovmDriver.probe(k, MICROVM_PROBE_TIMEOUT);
            if (probe.accelerator().isPresent() && marker.isPresent()) {
                try {
                    java.nio.file.Files.writeString(
                            marker.get(), probe.accelerator().get().name());
                } catch (java.io.IOException e) {
                    // probing again next time is only slower
                }
            }
            return probe;
        });
    }

    private static Optional<Path> probeMarker(Path kernel) {
        try {
            var qemu = Executables.find("qemu-system-x86_64");
            if (qemu.isEmpty()) return Optional.empty();
            String key = kernel.toAbsolutePath() + ":" + java.nio.file.Files.size(kernel) + ":"
                    + java.nio.file.Files.getLastModifiedTime(kernel).toMillis() + ":" + qemu.get() + ":"
                    + java.nio.file.Files.getLastModifiedTime(qemu.get()).toMillis();
            return Optional.of(Path.of(System.getProperty("java.io.tmpdir"))
                    .resolve("atoll-microvm-probe-" + Integer.toHexString(key.hashCode())));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Detects {@code wanted} (every driver when empty) with state kept under {@code stateDir};
     * {@code kernel} overrides the microvm driver's default guest kernel.
     */
    public static Found detect(Set<DriverKind> wanted, Path stateDir, Optional<Path> kernel) {
        return detect(wanted, stateDir, kernel, Optional.empty());
    }

    /**
     * As above, with the node's tenant networks when it has them: processes and containers on tenant
     * networks can then be started, and their ports are published on the node's addresses.
     */
    public static Found detect(
            Set<DriverKind> wanted, Path stateDir, Optional<Path> kernel, Optional<InstanceNetworks> networks) {
        InstanceNetworks tenantNetworks =
                networks.orElse(InstanceNetworks.none("tenant networking is off on this node"));
        Set<DriverKind> asked = wanted.isEmpty() ? Set.of(DriverKind.values()) : wanted;
        var drivers = new EnumMap<DriverKind, Driver>(DriverKind.class);
        var details = new LinkedHashMap<String, String>();
        var missing = new EnumMap<DriverKind, String>(DriverKind.class);
        if (asked.contains(DriverKind.PROCESS)) {
            drivers.put(
                    DriverKind.PROCESS,
                    new ProcessDriver(
                            Duration.ofMillis(100),
                            networks.map(n -> new InstanceNamespaces(stateDir.resolve("process"), n))));
        }
        if (asked.contains(DriverKind.OCI)) {
            var probe = OciDriver.probe();
            if (probe.usable()) {
                drivers.put(DriverKind.OCI, new OciDriver(stateDir.resolve("oci"), tenantNetworks));
                details.put(DriverKind.OCI.wireName(), probe.detail());
            } else {
                missing.put(DriverKind.OCI, probe.detail());
            }
        }
        if (asked.contains(DriverKind.MICROVM)) {
            Optional<Path> guestKernel = kernel.or(MicrovmDriver::findDefaultKernel);
            if (guestKernel.isEmpty()) {
                missing.put(DriverKind.MICROVM, "no guest kernel: none under /boot and no --microvm-kernel given");
            } else {
                var probe = probeOnce(guestKernel.get());
                if (probe.accelerator().isPresent()) {
                    var accelerator = probe.accelerator().get();
                    drivers.put(
                            DriverKind.MICROVM,
                            new MicrovmDriver(
                                    stateDir.resolve("microvm"),
                                    accelerator,
                                    guestKernel,
                                    networks.map(n -> new InstanceNamespaces(stateDir.resolve("microvm"), n))));
                    details.put(
                            DriverKind.MICROVM.wireName(), accelerator.name().toLowerCase(java.util.Locale.ROOT));
                } else {
                    missing.put(DriverKind.MICROVM, probe.detail());
                }
            }
        }
        return new Found(Map.copyOf(drivers), Map.copyOf(details), Map.copyOf(missing));
    }
}
