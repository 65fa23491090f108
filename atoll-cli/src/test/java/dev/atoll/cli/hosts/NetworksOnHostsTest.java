package dev.atoll.cli.hosts;

import static dev.atoll.cli.hosts.CloudOnHosts.instances;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.agent.network.InstanceLinks;
import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.view.NetworkView;
import dev.atoll.testhosts.ExecResult;
import dev.atoll.testhosts.RequiresHosts;
import dev.atoll.testhosts.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant networks on real hosts: three sites of two nodes, every node a network namespace of its own
 * with an underlay address, every instance in a namespace of its own on a VXLAN segment. Tenant
 * acme runs a six-node Redis Cluster (Debian's redis-server) and three busybox web servers on its
 * network {@code backend}, all processes; tenant globex has a network of the same name, with a web
 * server in a container (runc, an image built from Debian's static busybox) and three processes. The
 * tests run in order on one cloud.
 */
@RequiresHosts
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworksOnHostsTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path dir;

    private CloudOnHosts cloud;
    private long deployedAtNanos;

    private static final String KV = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: kv, tenant: acme}
            spec:
              networks: [backend]
              services:
                redis:
                  command: [redis-server, --port, "${ATOLL_PORT_REDIS}", --bind, 0.0.0.0, --protected-mode, "no",
                            --cluster-enabled, "yes", --cluster-config-file, nodes.conf,
                            --cluster-announce-ip, "${ATOLL_ADDRESS}", --save, "", --appendonly, "no"]
                  ports: [redis]
                  networks: [backend]
                  replicas: 6
                  resources: {cpu: 100m, memory: 64Mi}
                  placement: {spread: {across: site, minDomains: 3}}
                  health: {tcp: {port: redis}, interval: 300ms}
                web:
                  command: [sh, -c, 'echo "$ATOLL_INSTANCE at $ATOLL_SITE" > index.html && exec busybox httpd -f -p "$ATOLL_PORT_HTTP"']
                  ports: [http]
                  networks: [backend]
                  expose: [{port: http, public: 8080}]
                  replicas: 3
                  restart: never
                  resources: {cpu: 50m, memory: 32Mi}
                  placement: {spread: {across: site, minDomains: 3}}
            """;

    private static final String SHOP = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: shop, tenant: globex}
            spec:
              networks: [backend]
              services:
                web:
                  driver: oci
                  image: busybox:1
                  command: [sh, -c, 'mkdir -p /www && echo "$ATOLL_INSTANCE" > /www/index.html && exec httpd -f -h /www -p "$ATOLL_PORT_HTTP"']
                  ports: [http]
                  networks: [backend]
                  resources: {cpu: 50m, memory: 32Mi}
                probe:
                  command: [busybox, sleep, "100000"]
                  networks: [backend]
                  replicas: 3
                  resources: {cpu: 10m, memory: 16Mi}
                  placement: {spread: {across: site, minDomains: 3}}
            """;

    @BeforeAll
    void startCloud() {
        assumeThat(TestImages.busyboxPresent())
                .as("needs /bin/busybox (Debian's busybox-static, installed by scripts/install-test-deps)")
                .isTrue();
        assumeThat(Files.isExecutable(Path.of("/usr/bin/redis-server")))
                .as("needs redis-server and redis-cli (Debian's redis-server, installed by scripts/install-test-deps)")
                .isTrue();
        assumeThat(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")))
                .as("needs runc (installed by scripts/install-test-deps)")
                .isTrue();
        cloud = CloudOnHosts.startWithNodeHosts(
                "NetworksOnHostsTest",
                dir,
                CloudOnHosts.EUROPE,
                2,
                "cpu=4,memory=4Gi",
                "process,oci",
                List.of("--networks", "on"));
        Path archive = dir.resolve("busybox.tar");
        try {
            TestImages.busyboxLayout(archive, "busybox:1", List.of("sh"), 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // Images are a tenant's own: globex, whose shop runs it, imports it.
        api("london", "globex").importImage(archive, Optional.empty());
    }

    @AfterAll
    void stopCloud() {
        if (cloud != null) cloud.close();
    }

    private ApiClient api(String site, String tenant) {
        return new ApiClient(
                URI.create("http://" + cloud.controllerHost(site).address().getHostAddress() + ":"
                        + CloudOnHosts.API_PORT),
                tenant,
                cloud.tokenOf(site, tenant));
    }

    @Test
    @Order(1)
    void aRedisClusterFormsAcrossThreeSitesOnTheTenantNetworkAndAnswersFromEverySite() {
        ApiClient acme = api("london", "acme");
        deployedAtNanos = System.nanoTime();
        acme.create(KV, "application/yaml");
        await("all nine replicas of kv running")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> instances(acme, "kv").stream()
                                .filter(i -> i.state() == InstanceState.RUNNING)
                                .count()
                        == 9);
        long runningMillis = millisSinceDeploy();
        List<InstanceView> redis = service(acme, "kv", "redis");
        assertThat(redis.stream().map(InstanceView::site).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("london", "frankfurt", "paris");
        Map<String, Long> perSite =
                redis.stream().collect(Collectors.groupingBy(InstanceView::site, TreeMap::new, Collectors.counting()));
        List<String> endpoints = redis.stream()
                .map(i -> i.addresses().get("backend") + ":" + i.ports().get("redis"))
                .toList();
        assertThat(endpoints).allMatch(e -> e.startsWith("100."));
        assertThat(endpoints.stream().map(e -> e.substring(0, e.indexOf(':'))).distinct())
                .as("every replica has an address of its own")
                .hasSize(6);

        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        create.addAll(endpoints);
        create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        ExecResult created = inside(redis.getFirst(), create);
        assertThat(created.succeeded()).as(created.output()).isTrue();
        await("the cluster reports ok at every node")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> redis.stream().allMatch(i -> inside(i, redisCli(i, "cluster", "info"))
                        .output()
                        .contains("cluster_state:ok")));
        for (String site : List.of("london", "frankfurt", "paris")) {
            InstanceView here = redis.stream()
                    .filter(i -> i.site().equals(site))
                    .findFirst()
                    .orElseThrow();
            ExecResult set = inside(here, redisCli(here, "set", "written-at-" + site, site));
            assertThat(set.output()).as(set.output()).contains("OK");
        }
        for (String site : List.of("london", "frankfurt", "paris")) {
            InstanceView here = redis.stream()
                    .filter(i -> i.site().equals(site))
                    .findFirst()
                    .orElseThrow();
            for (String other : List.of("london", "frankfurt", "paris")) {
                ExecResult get = inside(here, redisCli(here, "get", "written-at-" + other));
                assertThat(get.output())
                        .as("read at " + site + " what was written at " + other)
                        .contains(other);
            }
        }
        System.out.printf(
                "[figure] redis cluster of 6 (%s) over 3 sites: all replicas running %d ms after deploy,"
                        + " cluster formed and answering reads and writes from every site %d ms after deploy%n",
                perSite, runningMillis, millisSinceDeploy());
        // Users see where each replica is and its address on the network.
        NetworkView backend = acme.network("backend").orElseThrow();
        assertThat(backend.sites()).containsExactlyInAnyOrder("london", "frankfurt", "paris");
        assertThat(backend.members()).hasSize(9);
        assertThat(backend.subnet()).startsWith("100.");
    }

    @Test
    @Order(2)
    void instancesOnDifferentSitesPingEachOtherAndTalkTcpByName() {
        ApiClient acme = api("london", "acme");
        List<InstanceView> web = service(acme, "kv", "web");
        InstanceView from = web.getFirst();
        for (InstanceView to : web.subList(1, web.size())) {
            assertThat(to.site()).isNotEqualTo(from.site());
            ExecResult ping = inside(
                    from, List.of("ping", "-c", "1", "-W", "2", to.addresses().get("backend")));
            assertThat(ping.succeeded()).as(ping.output()).isTrue();
            ExecResult page = inside(
                    from, httpGet(to.addresses().get("backend"), to.ports().get("http")));
            assertThat(page.output())
                    .as(page.command() + " exited " + page.exitCode() + (page.timedOut() ? " (timed out)" : "") + ": "
                            + page.output())
                    .contains(to.id() + " at " + to.site());
        }
        // By name, through the C library's resolver and the instance's resolv.conf, as programs do:
        // redis-cli at one site talks to the Redis replica of another site named by its index.
        InstanceView client = service(acme, "kv", "redis").getFirst();
        for (InstanceView server : service(acme, "kv", "redis")) {
            if (server.site().equals(client.site())) continue;
            String name = server.id().substring(server.id().lastIndexOf('.') + 1) + ".redis.kv.acme.atoll";
            ExecResult pong = inside(
                    client,
                    List.of(
                            "redis-cli",
                            "-h",
                            name,
                            "-p",
                            String.valueOf(server.ports().get("redis")),
                            "ping"));
            assertThat(pong.output()).as(name + ": " + pong.output()).contains("PONG");
            ExecResult resolved = inside(client, List.of("getent", "hosts", name));
            assertThat(resolved.output()).contains(server.addresses().get("backend"));
        }
        ExecResult all = nslookup(from, "web.kv.acme.atoll");
        for (InstanceView i : web)
            assertThat(all.output()).contains(i.addresses().get("backend"));
        ExecResult srv = nslookup(from, "-type=SRV", "_http._tcp.web.kv.acme.atoll");
        for (InstanceView i : web)
            assertThat(srv.output()).contains(String.valueOf(i.ports().get("http")));
    }

    @Test
    @Order(3)
    void twoTenantsWithNetworksOfTheSameNameCannotReachOrNameEachOther() {
        ApiClient globex = api("paris", "globex");
        globex.create(SHOP, "application/yaml");
        await("shop running")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> instances(globex, "shop").stream()
                                .filter(i -> i.state() == InstanceState.RUNNING)
                                .count()
                        == 4);
        InstanceView theirs = service(globex, "shop", "web").getFirst();
        InstanceView ours = service(api("london", "acme"), "kv", "web").getFirst();
        String ourAddress = ours.addresses().get("backend");

        assertThat(inside(theirs, List.of("ping", "-c", "1", "-W", "2", ourAddress))
                        .succeeded())
                .as("a ping from globex to acme")
                .isFalse();
        ExecResult tcp = inside(theirs, httpGet(ourAddress, ours.ports().get("http")));
        assertThat(tcp.succeeded()).as("a TCP connection from globex to acme").isFalse();
        assertThat(nslookup(theirs, "web.kv.acme.atoll").output()).contains("NXDOMAIN");
        assertThat(nslookup(ours, "web.shop.globex.atoll").output()).contains("NXDOMAIN");
        // Each still names its own (once the node heard of it: the directory follows within a second).
        await("globex names its own web")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> answers(nslookup(theirs, "web.shop.globex.atoll").output())
                        .equals(List.of(theirs.addresses().get("backend"))));
    }

    @Test
    @Order(4)
    void aMovedInstanceKeepsItsNameAndDnsFollowsIt() {
        ApiClient globex = api("paris", "globex");
        InstanceView before = service(globex, "shop", "web").getFirst();
        InstanceView watcher = service(globex, "shop", "probe").stream()
                .filter(p -> !p.node().equals(before.node()) || !p.site().equals(before.site()))
                .findFirst()
                .orElseThrow();
        cloud.killAgent(before.site() + "-" + before.node());
        var moved = new InstanceView[1];
        await("web of shop running again on another node")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> {
                    moved[0] = service(globex, "shop", "web").getFirst();
                    return moved[0].state() == InstanceState.RUNNING && moved[0].generation() > before.generation();
                });
        long runningAt = System.nanoTime();
        String newAddress = moved[0].addresses().get("backend");
        await("the name answers the new address")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> answers(nslookup(watcher, "web.shop.globex.atoll").output())
                        .equals(List.of(newAddress)));
        System.out.printf(
                "[figure] web.shop.globex.atoll moved from %s/%s to %s/%s; DNS answered the new address %d ms"
                        + " after the API showed it running%n",
                before.site(),
                before.node(),
                moved[0].site(),
                moved[0].node(),
                (System.nanoTime() - runningAt) / 1_000_000);
        assertThat(inside(watcher, List.of("ping", "-c", "1", "-W", "2", newAddress))
                        .succeeded())
                .isTrue();
    }

    @Test
    @Order(5)
    void aPublishedPortAnswersAtEverySitesIngressAndFailsOverWhenTheLocalReplicaStops() throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        for (String site : List.of("london", "frankfurt", "paris")) {
            String body = get(http, site);
            assertThat(body).as("ingress at " + site).contains(" at " + site);
        }
        ApiClient acme = api("london", "acme");
        InstanceView londonWeb = service(acme, "kv", "web").stream()
                .filter(i -> i.site().equals("london"))
                .findFirst()
                .orElseThrow();
        String netns = linkOf(londonWeb).orElseThrow().netns();
        ExecResult pids = cloud.controllerHost("london").exec(List.of("ip", "netns", "pids", netns));
        for (String pid : pids.output()
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
        long stoppedAt = System.nanoTime();
        await("london's ingress sends to another site")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    String body = get(http, "london");
                    return body.contains(" at frankfurt") || body.contains(" at paris");
                });
        System.out.printf(
                "[figure] london's ingress failed over to another site %d ms after its local replica was killed%n",
                (System.nanoTime() - stoppedAt) / 1_000_000);
    }

    private String get(HttpClient http, String site) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(
                        "http://" + cloud.controllerHost(site).address().getHostAddress() + ":8080/"))
                .timeout(Duration.ofSeconds(5))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static final java.util.regex.Pattern ANSWER =
            java.util.regex.Pattern.compile("(?m)^Address:?\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+)\\s*$");

    /** The addresses in busybox nslookup's answer (not the server's own, which has its port). */
    private static List<String> answers(String nslookup) {
        List<String> found = new ArrayList<>();
        var m = ANSWER.matcher(nslookup);
        while (m.find()) found.add(m.group(1));
        return found;
    }

    private long millisSinceDeploy() {
        return (System.nanoTime() - deployedAtNanos) / 1_000_000;
    }

    private static List<InstanceView> service(ApiClient api, String environment, String service) {
        return api.instances(Optional.of(environment), Optional.empty()).stream()
                .filter(i -> i.service().equals(service))
                .sorted(java.util.Comparator.comparing(InstanceView::id))
                .toList();
    }

    /**
     * busybox nslookup inside the instance's namespace, asking the node's DNS server at the node's end
     * of the instance's link, as the instance's resolv.conf says (never the test machine's resolvers).
     */
    private ExecResult nslookup(InstanceView at, String... args) {
        List<String> argv = new ArrayList<>(List.of("busybox", "nslookup"));
        argv.addAll(List.of(args));
        argv.add(linkOf(at).orElseThrow().hostAddress());
        return inside(at, argv);
    }

    /** An HTTP GET over bash's /dev/tcp (Debian's static busybox wget crashes in these namespaces). */
    private static List<String> httpGet(String address, int port) {
        return List.of(
                "timeout",
                "5",
                "bash",
                "-c",
                "exec 3<>/dev/tcp/" + address + "/" + port + " && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3");
    }

    private static List<String> redisCli(InstanceView at, String... args) {
        List<String> argv = new ArrayList<>(List.of(
                "redis-cli",
                "-c",
                "-h",
                at.addresses().get("backend"),
                "-p",
                String.valueOf(at.ports().get("redis"))));
        argv.addAll(List.of(args));
        return argv;
    }

    /** Runs argv inside the instance's network namespace, with its resolv.conf. */
    private ExecResult inside(InstanceView instance, List<String> argv) {
        String netns = linkOf(instance)
                .orElseThrow(() -> new AssertionError("no namespace for " + instance.id()))
                .netns();
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        command.addAll(argv);
        return cloud.controllerHost("london").exec(command, COMMAND_TIMEOUT);
    }

    /**
     * The instance's namespace, from the lease its node's process or oci driver took for it (this
     * test's data directory only).
     */
    private static Optional<InstanceLinks.Attachment> linkOf(InstanceView instance) {
        Path drivers = dir.resolve("data")
                .resolve(instance.site() + "-" + instance.node())
                .resolve("drivers")
                .toAbsolutePath()
                .normalize();
        Set<String> owners = Set.of(
                drivers.resolve("process").toString(), drivers.resolve("oci").toString());
        try (Stream<Path> leases = Files.list(InstanceLinks.HOST_LEASES)) {
            for (Path lease : leases.toList()) {
                List<String> lines;
                try {
                    lines = Files.readAllLines(lease);
                } catch (IOException e) {
                    continue;
                }
                if (lines.size() >= 2
                        && owners.contains(lines.get(0))
                        && lines.get(1).equals(instance.id())) {
                    return Optional.of(new InstanceLinks.Attachment(
                            Integer.parseInt(lease.getFileName().toString())));
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
