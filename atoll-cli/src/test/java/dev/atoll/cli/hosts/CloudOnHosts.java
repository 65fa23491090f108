package dev.atoll.cli.hosts;

import static org.awaitility.Awaitility.await;

import dev.atoll.agent.driver.oci.OciDriver;
import dev.atoll.cli.Main;
import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.testhosts.Host;
import dev.atoll.testhosts.JavaCommand;
import dev.atoll.testhosts.TestNetwork;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cloud of real processes on real hosts (network namespaces): each site is one host that runs
 * `atoll site` and one `atoll agent` per node, so cutting the host's link partitions the whole site
 * from the others while it keeps talking to itself. Sites are london (UK), frankfurt (DE) and paris
 * (FR) unless told otherwise. Reusable by any test that needs the distributed path.
 */
final class CloudOnHosts implements AutoCloseable {
    static final int WIRE_PORT = 7000;
    static final int API_PORT = 7070;
    static final int AGENT_HTTP_PORT = 7300;

    record SiteSpec(String name, double lat, double lon, String country) {}

    static final List<SiteSpec> EUROPE = List.of(
            new SiteSpec("london", 51.51, -0.13, "GB"),
            new SiteSpec("frankfurt", 50.11, 8.68, "DE"),
            new SiteSpec("paris", 48.86, 2.35, "FR"));

    final TestNetwork network;
    private final Path logs;
    private final Map<String, SiteSpec> specs = new LinkedHashMap<>();
    private final Map<String, Host> controllerHosts = new LinkedHashMap<>();
    private final Map<String, Process> controllers = new LinkedHashMap<>();
    private final List<String> nodes = new ArrayList<>();
    private final Map<String, Process> agents = new LinkedHashMap<>();
    private final Map<String, Integer> starts = new LinkedHashMap<>();

    private final String capacity;
    private final String drivers;
    /** Each node on a host of its own (else on its site's host), with these extra agent arguments. */
    private final boolean nodeHosts;

    private final List<String> agentArgs;
    private final Map<String, Host> hostOfNode = new LinkedHashMap<>();

    private CloudOnHosts(String label, Path logs, String capacity, String drivers) {
        this(label, logs, capacity, drivers, false, List.of());
    }

    private CloudOnHosts(
            String label, Path logs, String capacity, String drivers, boolean nodeHosts, List<String> agentArgs) {
        this.network = TestNetwork.create(label);
        this.logs = logs;
        this.capacity = capacity;
        this.drivers = drivers;
        this.nodeHosts = nodeHosts;
        this.agentArgs = List.copyOf(agentArgs);
    }

    /**
     * A cloud whose nodes each have a host (network namespace, underlay address) of their own, as
     * machines of a site do, named {@code <site>-n<N>}; every agent gets {@code agentArgs} besides.
     */
    static CloudOnHosts startWithNodeHosts(
            String label,
            Path logs,
            List<SiteSpec> sites,
            int nodesPerSite,
            String capacity,
            String drivers,
            List<String> agentArgs) {
        return start(new CloudOnHosts(label, logs, capacity, drivers, true, agentArgs), sites, nodesPerSite);
    }

    /** Starts every site and its agents, and waits until every site sees every node ready. */
    static CloudOnHosts start(String label, Path logs, List<SiteSpec> sites, int nodesPerSite) {
        return start(label, logs, sites, nodesPerSite, "cpu=4,memory=4Gi");
    }

    /** @param capacity every node's {@code --capacity} */
    static CloudOnHosts start(String label, Path logs, List<SiteSpec> sites, int nodesPerSite, String capacity) {
        // Only process: probing for the other drivers would slow every agent's start for nothing.
        return start(label, logs, sites, nodesPerSite, capacity, "process");
    }

    /** @param drivers every agent's {@code --drivers} */
    static CloudOnHosts start(
            String label, Path logs, List<SiteSpec> sites, int nodesPerSite, String capacity, String drivers) {
        return start(new CloudOnHosts(label, logs, capacity, drivers), sites, nodesPerSite);
    }

    private static CloudOnHosts start(CloudOnHosts cloud, List<SiteSpec> sites, int nodesPerSite) {
        try {
            for (SiteSpec site : sites) {
                cloud.specs.put(site.name(), site);
                Host siteHost = cloud.network.addHost(site.name());
                cloud.controllerHosts.put(site.name(), siteHost);
                for (int n = 1; n <= nodesPerSite; n++) {
                    String node = site.name() + "-n" + n;
                    cloud.nodes.add(node);
                    cloud.hostOfNode.put(node, cloud.nodeHosts ? cloud.network.addHost(node) : siteHost);
                }
            }
            String first = null;
            for (SiteSpec site : sites) {
                cloud.startController(site.name(), first == null ? List.of() : List.of(first));
                if (first == null) first = site.name();
            }
            for (String node : cloud.nodes) cloud.startAgent(node);
            int nodes = sites.size() * nodesPerSite;
            for (SiteSpec site : sites) {
                ApiClient api = cloud.api(site.name());
                await("every site and node known at " + site.name())
                        .atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions()
                        .until(() -> api.sites().size() == sites.size()
                                && api.nodes(Optional.empty()).stream()
                                                .filter(n -> n.state().equals("ready"))
                                                .count()
                                        == nodes);
            }
            return cloud;
        } catch (RuntimeException | Error e) {
            cloud.close();
            throw e;
        }
    }

    private static List<String> jvm(String... args) {
        List<String> command = new ArrayList<>(JavaCommand.of(Main.class, args));
        // Small, quick-starting JVMs: a test runs a dozen of them on two cores.
        command.addAll(
                1,
                List.of(
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-Xmx192m",
                        "--enable-native-access=ALL-UNNAMED"));
        return command;
    }

    String wire(String site) {
        return controllerHosts.get(site).address().getHostAddress() + ":" + WIRE_PORT;
    }

    void startController(String site, List<String> joinSites) {
        adminToken(); // the file exists before any site reads it, so all register the same token
        SiteSpec spec = specs.get(site);
        Host host = controllerHosts.get(site);
        List<String> args = new ArrayList<>(List.of(
                "site",
                "--name",
                site,
                "--lat",
                String.valueOf(spec.lat()),
                "--lon",
                String.valueOf(spec.lon()),
                "--country",
                spec.country(),
                "--listen",
                wire(site),
                "--api",
                host.address().getHostAddress() + ":" + API_PORT,
                "--data-dir",
                logs.resolve("data").resolve(site).toString(),
                "--admin-token-file",
                adminTokenFile().toString()));
        if (!joinSites.isEmpty()) {
            args.add("--join");
            args.add(String.join(",", joinSites.stream().map(this::wire).toList()));
        }
        // Their logs stay beside the test's data when it fails (see @TempDir cleanup of the tests).
        controllers.put(site, host.start(jvm(args.toArray(String[]::new)), Map.of("ATOLL_LOG", "debug"), log(site)));
    }

    void startAgent(String node) {
        String site = node.substring(0, node.lastIndexOf("-n"));
        Host host = hostOfNode.get(node);
        int n = Integer.parseInt(node.substring(node.lastIndexOf("-n") + 2));
        List<String> args = new ArrayList<>(List.of(
                "agent",
                "--site",
                site,
                "--controller",
                wire(site),
                "--name",
                node.substring(site.length() + 1),
                "--capacity",
                capacity,
                "--drivers",
                drivers,
                "--data-dir",
                logs.resolve("data").resolve(node).toString(),
                "--http",
                host.address().getHostAddress() + ":" + (AGENT_HTTP_PORT + n)));
        args.addAll(agentArgs);
        agents.put(node, host.start(jvm(args.toArray(String[]::new)), Map.of("ATOLL_LOG", "debug"), log(node)));
    }

    /** The host a node's agent runs on. */
    Host nodeHost(String node) {
        return hostOfNode.get(node);
    }

    private Path log(String name) {
        int n = starts.merge(name, 1, Integer::sum);
        return logs.resolve(name + (n == 1 ? "" : "-" + n) + ".log");
    }

    ApiClient api(String site) {
        return new ApiClient(
                URI.create("http://" + controllerHosts.get(site).address().getHostAddress() + ":" + API_PORT),
                null,
                adminToken());
    }

    /** The file every site registers as the cloud admin's token (made by the test, before any site starts). */
    Path adminTokenFile() {
        return logs.resolve("data").resolve("admin-token");
    }

    /** The cloud admin's token. */
    String adminToken() {
        try {
            return dev.atoll.cli.site.AdminToken.readOrCreate(adminTokenFile(), new java.security.SecureRandom());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private final Map<String, String> tenantTokens = new java.util.concurrent.ConcurrentHashMap<>();

    /** An admin token of {@code tenant}, made (with the tenant) through the API of {@code site} on first use. */
    String tokenOf(String site, String tenant) {
        if (tenant.equals("default")) return adminToken();
        return tenantTokens.computeIfAbsent(tenant, t -> {
            var admin = api(site);
            try {
                admin.createTenant(t);
            } catch (dev.atoll.cli.client.ApiException e) {
                // It exists already: a token is all we need.
            }
            return admin.createToken(java.util.Optional.of(t), "admin", java.util.Optional.of("test"))
                    .path("token")
                    .asText();
        });
    }

    Host controllerHost(String site) {
        return controllerHosts.get(site);
    }

    Process controller(String site) {
        return controllers.get(site);
    }

    /** Crashes a whole site: its controller and every agent, with all their instances. */
    void killSite(String site) {
        controllerHosts.get(site).kill9(controllers.get(site));
        agents.forEach((node, process) -> {
            if (node.startsWith(site + "-n")) hostOfNode.get(node).kill9(process);
        });
    }

    void killAgent(String node) {
        hostOfNode.get(node).kill9(agents.get(node));
    }

    void killController(String site) {
        controllerHosts.get(site).kill9(controllers.get(site));
    }

    /** Cuts the site's host off the network; its controller and agents stay up and talk to each other. */
    void partition(String site) {
        controllerHosts.get(site).linkDown();
    }

    void heal(String site) {
        controllerHosts.get(site).linkUp();
    }

    /**
     * Instance processes of this cloud alive on the machine, by instance directory: what really
     * runs, whatever any controller believes.
     */
    List<String> liveInstanceProcesses() {
        return liveInstanceProcesses("http.server");
    }

    /** The same, for instances whose command line contains {@code command}. */
    List<String> liveInstanceProcesses(String command) {
        Path data = logs.resolve("data").toAbsolutePath();
        List<String> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            if (!p.info().commandLine().orElse("").contains(command)) return;
            try {
                Path cwd = java.nio.file.Files.readSymbolicLink(Path.of("/proc", String.valueOf(p.pid()), "cwd"));
                if (cwd.startsWith(data)) found.add(data.relativize(cwd).toString());
            } catch (java.io.IOException | UnsupportedOperationException e) {
                // Gone meanwhile.
            }
        });
        return found;
    }

    /** The instances of one environment, as the site behind {@code api} lists them. */
    static List<InstanceView> instances(ApiClient api, String environment) {
        return api.instances(Optional.of(environment), Optional.empty());
    }

    static long running(List<InstanceView> instances) {
        return instances.stream()
                .filter(i -> i.state() == InstanceState.RUNNING)
                .count();
    }

    @Override
    public void close() {
        network.close();
        // The agents died with their hosts; what their containers left on this machine (runc state,
        // root filesystem mounts, network namespaces, address leases) is reclaimed with the driver's
        // own clean-up, as a restarted agent would.
        for (String node : nodes) {
            Path oci = logs.resolve("data").resolve(node).resolve("drivers").resolve("oci");
            if (java.nio.file.Files.isDirectory(oci)) new OciDriver(oci).reclaim(List.of());
            Path process = logs.resolve("data").resolve(node).resolve("drivers").resolve("process");
            if (java.nio.file.Files.isDirectory(process)) {
                new dev.atoll.agent.network.InstanceNamespaces(
                                process, dev.atoll.agent.network.InstanceNetworks.none("closing"))
                        .reclaim(List.of());
            }
        }
    }
}
