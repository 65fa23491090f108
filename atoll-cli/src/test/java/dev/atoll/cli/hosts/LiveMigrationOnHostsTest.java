package dev.atoll.cli.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.testhosts.RequiresHosts;
import dev.atoll.testhosts.TestImages;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running micro-VM moves live between two machines of a site (each node a host of its own, so
 * the memory crosses the underlay): the guest counts on its console and echoes on its tenant
 * network all along; a client follows the count through the API, and another (a replica on the
 * same network) keeps one TCP connection to the guest while it moves. The count goes on from where
 * it was on the new node, never from the start, and the connection never breaks. Prints the
 * downtime both clients saw.
 */
@RequiresHosts
class LiveMigrationOnHostsTest {
    private static final Pattern TICK = Pattern.compile("tick (\\d+)");

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;

    private CloudOnHosts cloud;

    @BeforeEach
    void requireMicroVmsOnTenantNetworks() {
        assumeThat(TestImages.busyboxPresent())
                .as("needs /bin/busybox (Debian's busybox-static, installed by scripts/install-test-deps)")
                .isTrue();
        assumeThat(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")))
                .as("needs qemu-system-x86_64 (installed by scripts/install-test-deps)")
                .isTrue();
        assumeThat(dev.atoll.agent.driver.microvm.MicrovmDriver.findDefaultKernel())
                .as("needs a guest kernel under /boot (Debian's linux-image-cloud-amd64, installed by"
                        + " scripts/install-test-deps)")
                .isPresent();
        assumeThat(dev.atoll.agent.driver.Executables.find("nft"))
                .as("needs nft for the guest's DNS (Debian's nftables, installed by scripts/install-test-deps)")
                .isPresent();
    }

    @AfterEach
    void stop() {
        if (cloud != null) cloud.close();
    }

    @Test
    void aRunningMicroVmMovesLiveToAnotherNodeAndItsGuestCountsOnWhereItWas() throws Exception {
        // Given one site whose two nodes are machines of their own, and a guest that counts
        cloud = CloudOnHosts.startWithNodeHosts(
                "LiveMigrationOnHosts",
                dir,
                List.of(CloudOnHosts.EUROPE.getFirst()),
                2,
                "cpu=4,memory=4Gi",
                "process,microvm",
                List.of());
        ApiClient london = cloud.api("london");
        Path archive = dir.resolve("busybox.tar");
        TestImages.busyboxLayout(archive, "busybox:1", List.of("sh"));
        london.importImage(archive, Optional.empty());
        london.create(guestAndClient("{sites: [london]}", "{sites: [london]}"), "application/yaml");
        await("the guest counting on its console")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> lastTick(log(london)) >= 20);
        await("the client on the tenant network talking to the guest")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> echoes(log(london, "vm.client.0")).isPresent());
        await("the guest resolving a name through the node's DNS server")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> log(london).contains("the guest resolved its neighbour"));
        InstanceView before = guest(london);
        String from = before.node();
        String to = from.equals("n1") ? "n2" : "n1";

        // And a client following the count through the API
        List<long[]> seen = new ArrayList<>(); // {nanos, tick} each time the count grew
        AtomicBoolean following = new AtomicBoolean(true);
        // The old node's console as last read: its agent removes it once the original is released.
        Path sourceLog = instanceLog("london-" + from);
        var sourceText = new java.util.concurrent.atomic.AtomicReference<>(Files.readString(sourceLog));
        Thread client = Thread.ofVirtual().start(() -> {
            long last = -1;
            while (following.get()) {
                try {
                    sourceText.set(Files.readString(sourceLog));
                } catch (IOException e) {
                    // removed with the released original: what was read last is its end
                }
                try {
                    long tick = lastTick(log(london));
                    if (tick > last) {
                        synchronized (seen) {
                            seen.add(new long[] {System.nanoTime(), tick});
                        }
                        last = tick;
                    }
                } catch (RuntimeException e) {
                    // a read that failed mid-move is retried; the gap shows in the figures
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        // When it is moved to the other node
        long asked = System.nanoTime();
        var answer = london.move("vm", "guest.0", "london/" + to);
        assertThat(answer.path("outcome").asText()).isEqualTo("moving");
        try {
            await("the move completed")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() ->
                            london.events(500).stream().anyMatch(e -> e.type().equals("move-completed")));
        } catch (RuntimeException | Error e) {
            // What the cloud said, for whoever reads the failure.
            london.events(500)
                    .forEach(ev -> System.out.println(
                            "event " + ev.type() + " " + ev.site() + " " + ev.instance() + ": " + ev.message()));
            london.instances(Optional.of("vm"), Optional.empty()).forEach(i -> System.out.println("instance " + i));
            throw e;
        }
        long completed = System.nanoTime();
        long[] echoesAtCompletion = echoes(log(london, "vm.client.0")).orElseThrow();
        Thread.sleep(3000);
        following.set(false);
        client.join();

        // Then it runs on the other node, one generation on, and its count went on where it was
        InstanceView after = guest(london);
        assertThat(after.node()).isEqualTo(to);
        assertThat(after.state()).isEqualTo(InstanceState.RUNNING);
        long sourceLast = lastTick(sourceText.get());
        String destination = Files.readString(instanceLog("london-" + to));
        long destinationFirst = firstTick(destination);
        assertThat(destination).contains("receiving a running micro-VM");
        assertThat(destinationFirst)
                .as("the guest's count on the new node follows the old node's (its memory moved)")
                .isEqualTo(sourceLast + 1);
        assertThat(lastTick(destination)).isGreaterThan(destinationFirst + 10);
        assertThat(london.events(500).stream().filter(e -> e.type().startsWith("move-")))
                .extracting(e -> e.type())
                .containsSubsequence("move-started", "move-placed", "move-switched", "move-completed");

        // And the client's count never went back, and kept growing after the move
        long longestGapMs = 0;
        synchronized (seen) {
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i)[1]).isGreaterThan(seen.get(i - 1)[1]);
                longestGapMs = Math.max(longestGapMs, (seen.get(i)[0] - seen.get(i - 1)[0]) / 1_000_000);
            }
            assertThat(seen.getLast()[0]).isGreaterThan(completed);
        }

        // And the client on the tenant network kept its one connection: every line came back, on and on
        String talk = log(london, "vm.client.0");
        long[] echoed = echoes(talk).orElseThrow();
        assertThat(talk).doesNotContain("error");
        assertThat(talk.lines().filter(l -> l.equals("connected"))).hasSize(1);
        assertThat(echoed[1]).as(talk).isEqualTo(echoed[0]);
        assertThat(echoed[1]).isGreaterThan(echoesAtCompletion[1] + 20);
        System.out.printf(
                "live migration of a micro-VM between two hosts: asked to completed %d ms; the guest counted"
                        + " %d on the old node, went on at %d on the new; longest the client saw the count stand"
                        + " still: %d ms (polling every 50 ms, the guest counts every 100 ms); a TCP client on the"
                        + " tenant network got %d echoes on one connection, its longest wait %d ms%n",
                (completed - asked) / 1_000_000, sourceLast, destinationFirst, longestGapMs, echoed[1], echoed[2]);
    }

    @Test
    void aRunningMicroVmMovesLiveToAnotherSiteAskedThroughAnySite() throws Exception {
        // Given two sites of one node each, and a counting guest homed at frankfurt running at london
        cloud = CloudOnHosts.startWithNodeHosts(
                "LiveMigrationBetweenSites",
                dir,
                CloudOnHosts.EUROPE.subList(0, 2),
                1,
                "cpu=4,memory=4Gi",
                "process,microvm",
                List.of());
        ApiClient frankfurt = cloud.api("frankfurt");
        ApiClient london = cloud.api("london");
        Path archive = dir.resolve("busybox.tar");
        TestImages.busyboxLayout(archive, "busybox:1", List.of("sh"));
        frankfurt.importImage(archive, Optional.empty());
        frankfurt.create(
                guestAndClient(
                        "{sites: [london, frankfurt], nearUsers: [{name: londoners, lat: 51.51, lon: -0.13}]}",
                        "{sites: [frankfurt]}"),
                "application/yaml");
        await("the guest counting at london")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> guest(london).site().equals("london") && lastTick(log(london)) >= 20);
        await("the client at frankfurt talking to the guest at london over the tenant network")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> echoes(log(frankfurt, "vm.client.0")).isPresent());
        Path sourceLog = instanceLog("london-n1");
        var sourceText = new java.util.concurrent.atomic.AtomicReference<>(Files.readString(sourceLog));
        AtomicBoolean following = new AtomicBoolean(true);
        Thread reader = Thread.ofVirtual().start(() -> {
            while (following.get()) {
                try {
                    sourceText.set(Files.readString(sourceLog));
                    Thread.sleep(50);
                } catch (IOException e) {
                    return; // removed with the released original: what was read last is its end
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        // When it is moved to frankfurt, asked through london (the home is frankfurt)
        long asked = System.nanoTime();
        assertThat(london.move("vm", "guest.0", "frankfurt").path("outcome").asText())
                .isEqualTo("moving");
        await("the move completed, as the home tells")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() ->
                        frankfurt.events(500).stream().anyMatch(e -> e.type().equals("move-completed")));
        long completed = System.nanoTime();
        long[] echoesAtCompletion = echoes(log(frankfurt, "vm.client.0")).orElseThrow();
        following.set(false);
        reader.join();

        // Then it runs at frankfurt, and counts on where it was at london
        await("running at frankfurt")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> guest(frankfurt).site().equals("frankfurt")
                        && guest(frankfurt).state() == InstanceState.RUNNING);
        long sourceLast = lastTick(sourceText.get());
        String destination = Files.readString(instanceLog("frankfurt-n1"));
        assertThat(frankfurt.events(500).stream().map(e -> e.type()))
                .containsSubsequence("move-started", "move-placed", "move-switched", "move-completed");
        assertThat(firstTick(destination))
                .as("the guest's count at frankfurt follows london's (its memory moved between sites)")
                .isEqualTo(sourceLast + 1);

        // And the client kept its one connection across sites: every line came back, on and on
        await("the client still echoing after the move")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> echoes(log(frankfurt, "vm.client.0")).orElseThrow()[1] > echoesAtCompletion[1] + 20);
        String talk = log(frankfurt, "vm.client.0");
        long[] echoed = echoes(talk).orElseThrow();
        assertThat(talk).doesNotContain("error");
        assertThat(talk.lines().filter(l -> l.equals("connected"))).hasSize(1);
        assertThat(echoed[1]).as(talk).isEqualTo(echoed[0]);
        System.out.printf(
                "live migration of a micro-VM between two sites: asked to completed %d ms; counted %d at"
                        + " london, went on at %d at frankfurt; a TCP client on the tenant network at frankfurt got"
                        + " %d echoes on one connection, its longest wait %d ms%n",
                (completed - asked) / 1_000_000, sourceLast, firstTick(destination), echoed[1], echoed[2]);
    }

    /**
     * Environment {@code vm}: a guest micro-VM that counts on its console, resolves its neighbour's
     * name and echoes on port 7000 of its tenant network, and a client replica on that network
     * ({@link #ECHO_CLIENT}); each placed as given (a YAML flow mapping).
     */
    private static String guestAndClient(String guestPlacement, String clientPlacement) {
        return """
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: vm}
                spec:
                  networks: [backend]
                  services:
                    guest:
                      driver: microvm
                      image: busybox:1
                      command: [sh, -c, 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.1; done &
                                (until nslookup client.vm.default.atoll >/dev/null 2>&1; do sleep 1; done;
                                echo "the guest resolved its neighbour") &
                                while true; do nc -l -p 7000 -e cat; done']
                      networks: [backend]
                      resources: {cpu: 1, memory: 128Mi}
                      placement: %s
                    client:
                      driver: process
                      networks: [backend]
                      resources: {cpu: 100m, memory: 32Mi}
                      placement: %s
                      command:
                        - python3
                        - -u
                        - -c
                        - |
                %s
                """.formatted(
                        guestPlacement, clientPlacement, ECHO_CLIENT.indent(10).stripTrailing());
    }

    private static InstanceView guest(ApiClient api) {
        return api.instances(Optional.of("vm"), Optional.empty()).stream()
                .filter(i -> i.id().equals("vm.guest.0"))
                .findFirst()
                .orElseThrow();
    }

    private static String log(ApiClient api) {
        return log(api, "vm.guest.0");
    }

    private static String log(ApiClient api, String instance) {
        var out = new StringWriter();
        api.logs(instance, 0, false, out);
        return out.toString();
    }

    /**
     * Connects once to the guest by its name on the tenant network, then sends a line every 20 ms and
     * reads its echo, printing what it sent, what came back right and its longest wait twice a
     * second. It never reconnects: a broken connection prints an error and ends it.
     */
    private static final String ECHO_CLIENT = """
            import socket, time
            while True:
                try:
                    s = socket.create_connection(("guest", 7000), timeout=5)
                    break
                except OSError as e:
                    print("waiting for the guest:", e)
                    time.sleep(0.5)
            s.settimeout(30)
            print("connected")
            f = s.makefile("rwb")
            sent = echoed = 0
            longest = 0.0
            last = time.monotonic()
            while True:
                t = time.monotonic()
                try:
                    f.write(b"line %d\\n" % sent)
                    f.flush()
                    sent += 1
                    if f.readline() == b"line %d\\n" % (sent - 1):
                        echoed += 1
                except Exception as e:
                    print("error", e)
                    break
                longest = max(longest, time.monotonic() - t)
                if t - last >= 0.5:
                    print("sent %d echoed %d longest-wait-ms %d" % (sent, echoed, longest * 1000))
                    last = t
                time.sleep(0.02)
            """;

    private static final Pattern ECHOES = Pattern.compile("sent (\\d+) echoed (\\d+) longest-wait-ms (\\d+)");

    /** The client's last report: {sent, echoed, longest wait in ms}. */
    private static Optional<long[]> echoes(String text) {
        Matcher m = ECHOES.matcher(text);
        long[] last = null;
        while (m.find()) {
            last = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
        }
        return Optional.ofNullable(last);
    }

    /** The guest's console on one node ({@code <site>-n<N>}), as its agent keeps it. */
    private Path instanceLog(String node) throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("data").resolve(node))) {
            return files.filter(p -> p.getFileName().toString().equals("log")
                            && p.getParent().getFileName().toString().equals("vm.guest.0"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no log of vm.guest.0 on node " + node));
        }
    }

    private static long lastTick(String text) {
        Matcher m = TICK.matcher(text);
        long last = -1;
        while (m.find()) last = Long.parseLong(m.group(1));
        return last;
    }

    private static long firstTick(String text) {
        Matcher m = TICK.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
