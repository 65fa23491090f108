package dev.atoll.testhosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresHosts
class TestNetworkTest {
    private static final int ECHO_PORT = 7000;
    private static final Duration SHORT = Duration.ofSeconds(1);

    @TempDir
    Path logs;

    private TestNetwork network;
    private Host a;
    private Host b;

    @BeforeEach
    void twoHostsOnABridge() {
        network = TestNetwork.create(getClass().getSimpleName());
        a = network.addHost("a");
        b = network.addHost("b");
    }

    @AfterEach
    void cleanUp() {
        network.close();
    }

    @Test
    void hostsGetDistinctAddressesFromTheBenchmarkRangeOnTheBridgeSubnet() {
        assertThat(a.address().getHostAddress())
                .startsWith("198.1")
                .isNotEqualTo(b.address().getHostAddress());
        assertThat(a.address().getAddress()[0] & 0xff).isEqualTo(198);
        assertThat(a.address().getAddress()[1] & 0xfe).isEqualTo(18);
        assertThat(network.bridgeName()).hasSizeLessThanOrEqualTo(15);
        assertThat(a.bridgePort()).hasSizeLessThanOrEqualTo(15);
        ExecResult links = a.exec(List.of("ip", "-o", "link", "show"));
        assertThat(links.output()).contains("lo:", "eth0@").doesNotContain(network.bridgeName() + ":");
    }

    @Test
    void twoHostsReachEachOther() {
        if (pingInstalled()) {
            assertThat(ping(a, b).succeeded()).as(ping(a, b).output()).isTrue();
            assertThat(ping(b, a).succeeded()).as(ping(b, a).output()).isTrue();
        } else {
            startEchoServer(b);
            assertThat(echoFrom(a, b, "hello").output()).contains("hello");
        }
    }

    @Test
    void aProcessListeningOnItsHostAddressIsReachableFromAnotherHostAndFromTheTestJvm() throws Exception {
        startEchoServer(b);

        ExecResult reply = echoFrom(a, b, "from-a");
        assertThat(reply.succeeded()).as(reply.output()).isTrue();
        assertThat(reply.output()).contains("from-a");

        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(b.address(), ECHO_PORT), 2_000);
            socket.setSoTimeout(2_000);
            new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8).println("from-root");
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("from-root");
        }
    }

    @Test
    void linkDownCutsAHostOffAndLinkUpHealsIt() {
        startEchoServer(b);
        assertThat(a.canConnect(b.address(), ECHO_PORT, SHORT)).isTrue();

        b.linkDown();
        assertThat(a.canConnect(b.address(), ECHO_PORT, SHORT)).isFalse();
        assertThat(b.runningProcesses())
                .as("a partition does not stop the host's processes")
                .hasSize(1);

        b.linkUp();
        await().atMost(Duration.ofSeconds(5)).until(() -> a.canConnect(b.address(), ECHO_PORT, SHORT));
    }

    @Test
    void kill9KillsTheProcessAndItsChildren() {
        Process parent = b.start(List.of("sh", "-c", "sleep 300 & sleep 300"), Map.of(), logs.resolve("b.log"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> parent.toHandle().descendants().count() >= 1);
        List<ProcessHandle> children = parent.toHandle().descendants().toList();

        b.kill9(parent);

        assertThat(parent.isAlive()).isFalse();
        assertThat(parent.exitValue()).isEqualTo(128 + 9);
        assertThat(children).noneMatch(Commands::isRunning);
        assertThat(b.runningProcesses()).isEmpty();
    }

    @Test
    void startPassesTheEnvironmentAndWritesTheLog() throws Exception {
        Path log = logs.resolve("nested/env.log");
        Process p = a.start(
                List.of("sh", "-c", "echo \"greeting=$GREETING\"; echo oops >&2"), Map.of("GREETING", "hi"), log);

        assertThat(p.waitFor()).isZero();
        assertThat(Files.readString(log)).contains("greeting=hi", "oops");
    }

    @Test
    void execReportsExitCodeAndOutputAndKillsWhatOutlivesItsTimeout() {
        ExecResult failed = a.exec(List.of("sh", "-c", "echo out; echo err >&2; exit 3"));
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.output()).contains("out", "err");
        assertThat(failed.succeeded()).isFalse();

        ExecResult slow = a.exec(List.of("sleep", "30"), Duration.ofMillis(300));
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.succeeded()).isFalse();
    }

    @Test
    void anIpFailureNamesTheCommandAndItsStderr() {
        assertThatThrownBy(() -> Commands.ip("link", "set", "dev", network.runId() + "nope", "up"))
                .isInstanceOf(HostCommandException.class)
                .hasMessageContaining("`ip link set dev " + network.runId() + "nope up`")
                .hasMessageContaining("Cannot find device");
        assertThatThrownBy(() -> network.addHost("a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has a host named a");
    }

    @Test
    void closeKillsEveryProcessAndLeavesNoNamespaceOrLinkBehind() {
        Process server = startEchoServer(b);
        Process shell = a.start(List.of("sh", "-c", "sleep 300 & sleep 300"), Map.of(), logs.resolve("a.log"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> shell.toHandle().descendants().count() >= 1);
        List<ProcessHandle> started = List.of(server.toHandle(), shell.toHandle());
        List<ProcessHandle> children = shell.toHandle().descendants().toList();
        String runId = network.runId();

        network.close();

        assertThat(started).noneMatch(Commands::isRunning);
        assertThat(children).noneMatch(Commands::isRunning);
        assertThat(Commands.ip("netns", "list")).doesNotContain(runId);
        assertThat(Commands.ip("-o", "link", "show")).doesNotContain(runId);
        network.close(); // idempotent
        assertThatThrownBy(() -> network.addHost("c")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cleanupLeftoversRemovesACrashedRunAndKeepsLiveOnes() throws Exception {
        String crashed = HarnessRuns.underMachineLock(HarnessRuns::freshRunId);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try {
            // What a JVM killed with -9 leaves: a bridge owned by a dead pid, and a namespace.
            Commands.ip("link", "add", "name", crashed, "type", "bridge");
            Commands.ip("link", "set", "dev", crashed, "alias", "atoll-testhosts pid=" + gone.pid());
            Commands.ip("netns", "add", crashed + "-orphan");

            List<String> removed = TestNetwork.cleanupLeftovers();

            assertThat(removed).contains("netns " + crashed + "-orphan", "link " + crashed);
            assertThat(Commands.ip("netns", "list")).doesNotContain(crashed).contains(a.namespace());
            assertThat(Commands.ip("-o", "link", "show"))
                    .doesNotContain(crashed)
                    .contains(network.bridgeName());
            assertThat(removed).noneMatch(name -> name.contains(network.runId()));
        } finally {
            Commands.ipIgnoringMissing("netns", "del", crashed + "-orphan");
            Commands.ipIgnoringMissing("link", "del", "dev", crashed);
        }
    }

    private Process startEchoServer(Host host) {
        Process server = host.start(
                JavaCommand.of(TcpEchoServer.class, host.address().getHostAddress(), Integer.toString(ECHO_PORT)),
                Map.of(),
                logs.resolve(host.name() + "-echo.log"));
        Path log = logs.resolve(host.name() + "-echo.log");
        await().atMost(Duration.ofSeconds(15))
                .until(() -> !server.isAlive() || Files.readString(log).contains("listening on"));
        assertThat(server.isAlive())
                .as("echo server log: %s", Files.exists(log) ? read(log) : "")
                .isTrue();
        return server;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static ExecResult echoFrom(Host client, Host server, String text) {
        return client.exec(List.of(
                "timeout",
                "3",
                "bash",
                "-c",
                "exec 3<>/dev/tcp/\"$0\"/\"$1\"; echo \"$2\" >&3; read -r line <&3; echo \"$line\"",
                server.address().getHostAddress(),
                Integer.toString(ECHO_PORT),
                text));
    }

    private static boolean pingInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/ping")) || Files.isExecutable(Path.of("/bin/ping"));
    }

    private static ExecResult ping(Host from, Host to) {
        return from.exec(List.of("ping", "-c", "1", "-W", "2", to.address().getHostAddress()));
    }
}
