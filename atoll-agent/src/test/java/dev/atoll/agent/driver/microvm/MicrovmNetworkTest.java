package dev.atoll.agent.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.atoll.agent.driver.Driver;
import dev.atoll.agent.driver.Executables;
import dev.atoll.agent.driver.HostCommands;
import dev.atoll.agent.driver.LaunchException;
import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.agent.driver.Workload;
import dev.atoll.agent.network.InstanceLinks;
import dev.atoll.agent.network.InstanceNamespaces;
import dev.atoll.agent.network.InstanceNetworks;
import dev.atoll.image.PreparedImage;
import dev.atoll.model.Resources;
import dev.atoll.model.agent.NetworkAttachment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micro-VMs on the network: a guest's published port answers on the node, and a guest on a tenant network keeps its
 * address and a connected client's TCP connection while it moves live to another node. Both "nodes" are driver
 * state directories on this machine, their tenant network one bridge (the VXLAN between machines is covered by the
 * hosts tests of atoll-cli).
 */
@Tag("host")
class MicrovmNetworkTest {
    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final String BRIDGE = "atollvmtest0";
    private static final String CLIENT_NS = "atoll-vmtest-client";
    private static final String GUEST_ADDRESS = "100.64.250.5";
    private static final String CLIENT_ADDRESS = "100.64.250.9";
    private static final Pattern SUMMARY = Pattern.compile("sent (\\d+) echoed (\\d+) longest-wait-ms (\\d+)");

    @TempDir
    static Path shared;

    static Path kernel;
    static PreparedImage busybox;
    static Accelerator accelerator;

    @TempDir
    Path dir;

    private final List<Map.Entry<Driver, Workload>> started = new ArrayList<>();

    @BeforeAll
    static void requireQemuKernelAndRoot() throws IOException {
        assumeTrue(MicrovmDriver.findQemu().isPresent(), "skipped: qemu-system-x86_64 is not installed");
        Optional<Path> found = MicrovmDriver.findDefaultKernel();
        assumeTrue(found.isPresent(), "skipped: no /boot/vmlinuz-* kernel to boot");
        assumeTrue(Files.isExecutable(BUSYBOX), "skipped: no static /bin/busybox to build a guest from");
        assumeTrue(Executables.find("ip").isPresent(), "skipped: iproute2 is not installed");
        assumeTrue(Executables.find("nft").isPresent(), "skipped: nft (Debian's nftables) is not installed");
        assumeTrue(
                HostCommands.run(List.of("ip", "link", "add", "atollvmprobe0", "type", "bridge"))
                        .ok(),
                "skipped: needs root (CAP_NET_ADMIN) to make network devices");
        HostCommands.run(List.of("ip", "link", "delete", "atollvmprobe0"));
        kernel = found.get();
        busybox = MicrovmDriverTest.busyboxImage(shared.resolve("rootfs"), List.of());
        accelerator = Files.exists(Path.of("/dev/kvm"))
                ? MicrovmDriver.probe(kernel, Duration.ofSeconds(10))
                        .accelerator()
                        .orElse(Accelerator.TCG)
                : Accelerator.TCG;
    }

    @AfterEach
    void stopEverything() {
        for (var e : started) e.getKey().stop(e.getValue().ref(), Duration.ZERO);
        HostCommands.run(List.of("ip", "netns", "delete", CLIENT_NS));
        HostCommands.run(List.of("ip", "link", "delete", BRIDGE));
    }

    @Test
    void aGuestsPublishedPortAnswersOnTheNode() throws Exception {
        // Given a guest echoing on a port that is published on the node
        int hostPort = freePort();
        var driver = driver("n1", new BridgeNetworks(false));
        started.add(Map.entry(
                driver,
                driver.start(spec("n1", List.of(), Map.of("echo", hostPort), "nc -l -p " + hostPort + " -e cat"))));

        // When a client on the node connects to the published port
        String answer = await("the guest's echo through the node's port")
                .atMost(BOOT)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(
                        () -> echo(new InetSocketAddress(InetAddress.getLoopbackAddress(), hostPort), "hello"),
                        a -> a.equals("hello"));

        // Then the guest answered it
        assertThat(answer).isEqualTo("hello");
        assertThat(Files.readString(dir.resolve("n1.log"))).doesNotContain("no network");
    }

    @Test
    void aGuestOnATenantNetworkKeepsItsAddressAndAClientsConnectionWhileItMovesLive() throws Exception {
        assumeTrue(Executables.find("python3").isPresent(), "skipped: the client is a python3 script");
        // Given a tenant network (one bridge), a guest echoing on it at node n1, and a client on it
        HostCommands.run(List.of("ip", "link", "add", BRIDGE, "type", "bridge"));
        HostCommands.run(List.of("ip", "link", "set", BRIDGE, "up"));
        var network = new NetworkAttachment("backend", 250, "100.64.250.0/24", GUEST_ADDRESS);
        var source = driver("n1", new BridgeNetworks(true));
        var destination = driver("n2", new BridgeNetworks(true));
        String server = "nc -l -p 7000 -e cat";
        Workload running = source.start(spec("n1", List.of(network), Map.of(), server));
        started.add(Map.entry(source, running));
        startClientNamespace();
        await("the guest answering on its tenant address")
                .atMost(BOOT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> insideClient(List.of("ping", "-c", "1", "-W", "1", GUEST_ADDRESS))
                        .ok());
        Path report = dir.resolve("client.txt");
        Process client = new ProcessBuilder(
                        "ip", "netns", "exec", CLIENT_NS, "python3", "-c", CLIENT, GUEST_ADDRESS, "7000", "25")
                .redirectErrorStream(true)
                .redirectOutput(report.toFile())
                .start();
        await("the client connected and echoed").atMost(Duration.ofSeconds(30)).until(() -> Files.readString(report)
                .contains("connected"));
        Thread.sleep(2000);

        // When the guest moves live to node n2 while the client talks to it
        int port = freePort();
        Workload incoming =
                destination.startIncoming(spec("n2", List.of(network), Map.of(), server), "127.0.0.1", port);
        started.add(Map.entry(destination, incoming));
        var outcome = source.migrate(running.ref(), "127.0.0.1", port, Duration.ofSeconds(60));
        assertThat(outcome.completed()).as(outcome.detail()).isTrue();
        assertThat(destination.awaitIncoming(incoming.ref(), Duration.ofSeconds(10)))
                .isTrue();
        source.stop(running.ref(), Duration.ZERO);
        assertThat(client.isAlive()).as("the client still talks after the move").isTrue();

        // Then the client's one connection went on: every line it sent came back, and it never reconnected
        assertThat(client.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(report);
        Matcher m = SUMMARY.matcher(text);
        assertThat(m.find()).as(text).isTrue();
        long sent = Long.parseLong(m.group(1));
        long echoed = Long.parseLong(m.group(2));
        assertThat(text).doesNotContain("error");
        assertThat(echoed).as(text).isEqualTo(sent).isGreaterThan(100);
        System.out.printf(
                "micro-VM live migration on a tenant network (%s): the guest paused %d ms; a TCP client's longest"
                        + " wait for an echo was %s ms over %d echoes, with no reconnect%n",
                accelerator.wireName(), outcome.downtime().toMillis(), m.group(3), echoed);
    }

    /**
     * Sends a line every 20 ms on one connection for the given seconds, counts the echoes that came back right and
     * notes the longest wait. It never reconnects: a connection that breaks ends it early, with an error printed.
     */
    private static final String CLIENT = """
            import socket, sys, time
            host, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
            s = socket.create_connection((host, port), timeout=30)
            s.settimeout(30)
            print("connected", flush=True)
            f = s.makefile("rwb")
            sent = echoed = 0
            longest = 0.0
            end = time.monotonic() + seconds
            try:
                while time.monotonic() < end:
                    t = time.monotonic()
                    f.write(b"line %d\\n" % sent); f.flush(); sent += 1
                    if f.readline() == b"line %d\\n" % (sent - 1): echoed += 1
                    longest = max(longest, time.monotonic() - t)
                    time.sleep(0.02)
            except Exception as e:
                print("error", e, flush=True)
            print("sent %d echoed %d longest-wait-ms %d" % (sent, echoed, longest * 1000), flush=True)
            """;

    private void startClientNamespace() {
        HostCommands.run(List.of("ip", "netns", "delete", CLIENT_NS));
        String host = "netns add " + CLIENT_NS + "\n"
                + "link add atollvmtestc type veth peer name eth1 netns " + CLIENT_NS + "\n"
                + "link set atollvmtestc master " + BRIDGE + " up\n";
        String inside = "addr add " + CLIENT_ADDRESS + "/24 dev eth1\n" + "link set eth1 up\n" + "link set lo up\n";
        var made = HostCommands.run(List.of("ip", "-batch", "-"), host);
        if (made.ok()) made = HostCommands.run(List.of("ip", "-n", CLIENT_NS, "-batch", "-"), inside);
        assertThat(made.ok()).as(made.output()).isTrue();
    }

    private static HostCommands.Result insideClient(List<String> argv) {
        var command = new ArrayList<>(List.of("ip", "netns", "exec", CLIENT_NS));
        command.addAll(argv);
        return HostCommands.run(command);
    }

    private MicrovmDriver driver(String node, InstanceNetworks networks) {
        Path state = dir.resolve(node).resolve("state");
        return new MicrovmDriver(
                state, accelerator, Optional.of(kernel), Optional.of(new InstanceNamespaces(state, networks)));
    }

    private LaunchSpec spec(String node, List<NetworkAttachment> networks, Map<String, Integer> ports, String server) {
        return new LaunchSpec(
                "vm.guest.0",
                List.of("sh", "-c", "while true; do " + server + "; done"),
                Map.of(),
                dir.resolve(node).resolve("work"),
                dir.resolve(node + ".log"),
                Optional.of(busybox),
                Resources.ZERO,
                ports,
                false,
                List.of(),
                "default",
                networks);
    }

    private static String echo(InetSocketAddress to, String line) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(to, 2000);
            socket.setSoTimeout(3000);
            var out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out.println(line);
            String answer = in.readLine();
            return answer == null ? "" : answer;
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A node's networking reduced to one bridge that every tap joins; ports are published on loopback. */
    private record BridgeNetworks(boolean withBridge) implements InstanceNetworks {
        @Override
        public List<InetAddress> publishOn() {
            return List.of(InetAddress.getLoopbackAddress());
        }

        @Override
        public void join(String tenant, InstanceLinks.Attachment link, List<NetworkAttachment> networks)
                throws LaunchException {
            if (!networks.isEmpty()) throw new LaunchException("only micro-VMs here");
        }

        @Override
        public List<Integer> plug(
                String tenant, InstanceLinks.Attachment link, List<NetworkAttachment> networks, List<String> taps)
                throws LaunchException {
            var mtus = new ArrayList<Integer>();
            for (String tap : taps) {
                var plugged = HostCommands.run(List.of("ip", "link", "set", "dev", tap, "master", BRIDGE, "up"));
                if (!plugged.ok()) throw new LaunchException(plugged.output());
                mtus.add(1500);
            }
            return mtus;
        }

        @Override
        public void leave(InstanceLinks.Attachment link) {}
    }
}
