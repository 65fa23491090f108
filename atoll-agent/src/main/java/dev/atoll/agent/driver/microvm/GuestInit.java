package dev.atoll.agent.driver.microvm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The guest's {@code /init}: a shell script that prepares the guest, runs the instance's command as
 * the image and spec say, prints {@link #EXIT_MARKER} with its exit code on the console (the only way
 * the code leaves the VM) and powers the VM off. Only {@code /bin/sh} is required of the image;
 * {@code mount}, {@code ip} and {@code poweroff} are used when it has them (without
 * {@code poweroff} the kernel panics when init ends, which ends QEMU just the same).
 */
record GuestInit(
        String instance,
        Map<String, String> environment,
        String workingDir,
        List<String> argv,
        List<String> tmpfsPaths,
        boolean readOnly,
        Optional<GuestNetwork> network) {
    static final String EXIT_MARKER = "atoll: exit ";
    static final Pattern EXIT_LINE = Pattern.compile("atoll: exit (\\d{1,3})\\b");
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    GuestInit {
        environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
        argv = List.copyOf(argv);
        tmpfsPaths = List.copyOf(tmpfsPaths);
    }

    /** A guest without network cards. */
    GuestInit(
            String instance,
            Map<String, String> environment,
            String workingDir,
            List<String> argv,
            List<String> tmpfsPaths,
            boolean readOnly) {
        this(instance, environment, workingDir, argv, tmpfsPaths, readOnly, Optional.empty());
    }

    /** Where the guest finds the kernel modules of its cards. */
    static final String MODULES_DIR = "atoll/modules";

    String script() {
        var s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("# Written by atoll for instance ")
                .append(instance.replace('\n', ' '))
                .append('\n');
        s.append("PATH=").append(DEFAULT_PATH).append("\nexport PATH\n");
        s.append("mount -t proc proc /proc\n");
        s.append("mount -t sysfs sysfs /sys\n");
        s.append("mount -t devtmpfs devtmpfs /dev\n");
        // Without -onlcr every line reaches the log with a carriage return before its newline.
        s.append("stty -onlcr 2>/dev/null\n");
        s.append("ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up 2>/dev/null\n");
        network.ifPresent(n -> networkLines(n, s));
        for (String path : tmpfsPaths)
            s.append("mount -t tmpfs tmpfs ").append(quote(path)).append('\n');
        if (readOnly) {
            s.append("mount -o remount,ro / || echo 'atoll: the root file system stays writable'\n");
        }
        for (var e : environment.entrySet()) {
            // A name the shell cannot export would end the script; such a variable cannot be used anyway.
            if (!VARIABLE_NAME.matcher(e.getKey()).matches()) continue;
            s.append("export ")
                    .append(e.getKey())
                    .append('=')
                    .append(quote(e.getValue()))
                    .append('\n');
        }
        s.append("cd ").append(quote(workingDir.isEmpty() ? "/" : workingDir)).append(" &&");
        for (String arg : argv) s.append(' ').append(quote(arg));
        s.append("\ncode=$?\n");
        s.append("echo \"").append(EXIT_MARKER).append("$code\"\n");
        s.append("poweroff -f\n");
        return s.toString();
    }

    /**
     * Loads the cards' modules, then gives each card (found by its MAC: the order of virtio-mmio devices is not the
     * order of QEMU's options) its address and MTU, and points the default route and DNS at the link's gateway.
     */
    private static void networkLines(GuestNetwork network, StringBuilder s) {
        s.append(
                "command -v ip >/dev/null || echo 'atoll: the image has no ip command, so the guest has no network'\n");
        for (Path module : network.modules()) {
            String file = module.getFileName().toString();
            s.append("insmod /")
                    .append(MODULES_DIR)
                    .append('/')
                    .append(file)
                    .append(" || echo ")
                    .append(quote("atoll: cannot load " + file))
                    .append('\n');
        }
        s.append("""
                atoll_card() {
                  n=''; tries=0
                  while [ -z "$n" ] && [ "$tries" -lt 50 ]; do
                    for d in /sys/class/net/*; do [ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && n=${d##*/}; done
                    [ -z "$n" ] && { sleep 0.1; tries=$((tries+1)); }
                  done
                  [ -z "$n" ] && { echo "atoll: the guest has no card $1"; return 1; }
                  ip link set "$n" mtu "$3"; ip addr add "$2" dev "$n"; ip link set "$n" up
                }
                """);
        for (GuestNetwork.Card card : network.cards()) {
            s.append("atoll_card ")
                    .append(quote(card.mac()))
                    .append(' ')
                    .append(quote(card.cidr()))
                    .append(' ')
                    .append(card.mtu())
                    .append('\n');
        }
        s.append("ip route add default via ").append(quote(network.gateway())).append('\n');
        s.append("mkdir -p /etc && printf '%s' ")
                .append(quote(network.resolvConf()))
                .append(" > /etc/resolv.conf\n");
    }

    /** A cpio archive with {@code /init} and the directories it mounts on, to append to the image's. */
    byte[] archive() throws IOException {
        var bytes = new ByteArrayOutputStream();
        var cpio = new NewcArchive(bytes);
        var dirs = new LinkedHashSet<String>(List.of("proc", "sys", "dev"));
        for (String path : tmpfsPaths) dirs.addAll(withParents(path));
        if (network.isPresent()) dirs.addAll(withParents("/" + MODULES_DIR));
        for (String dir : dirs) cpio.directory(dir, 0755);
        if (network.isPresent()) {
            for (Path module : network.get().modules()) {
                cpio.file(MODULES_DIR + "/" + module.getFileName(), 0644, java.nio.file.Files.readAllBytes(module));
            }
        }
        cpio.file("init", 0755, script().getBytes(StandardCharsets.UTF_8));
        cpio.finish();
        return bytes.toByteArray();
    }

    /** {@code /a/b} gives {@code a}, {@code a/b}. */
    static List<String> withParents(String absolutePath) {
        var out = new ArrayList<String>();
        var current = new StringBuilder();
        for (String part : absolutePath.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (current.length() > 0) current.append('/');
            current.append(part);
            out.add(current.toString());
        }
        return out;
    }

    /** Single-quoted for a POSIX shell: nothing inside is expanded. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
