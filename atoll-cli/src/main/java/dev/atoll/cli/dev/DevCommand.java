package dev.atoll.cli.dev;

import dev.atoll.model.json.AtollJson;
import dev.atoll.model.topology.Topologies;
import dev.atoll.model.topology.Topology;
import dev.atoll.model.topology.TopologyParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "dev",
        description = "Run an embedded multi-site cloud in this process: each site a Raft group persisted under"
                + " --data-dir, each node a real agent running real processes, the REST API on --port.",
        footerHeading = "%nExample:%n",
        footer = {
            "  atoll dev          # london, frankfurt, new-york; 3 nodes each",
            "  atoll dev --sites 5 --port 7071 --data-dir /tmp/atoll-5",
            "  atoll dev --topology examples/topologies/interoute.yaml --controllers 3"
        })
public final class DevCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", description = "API port (default: ${DEFAULT-VALUE})", defaultValue = "7070")
    int port;

    @Option(
            names = "--host",
            description = "API address to listen on (default: ${DEFAULT-VALUE})",
            defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--sites", description = "Number of generated sites (real cities), instead of the default three")
    Integer sites;

    @Option(
            names = "--nodes-per-site",
            description = "Nodes per generated site (default: ${DEFAULT-VALUE})",
            defaultValue = "3")
    int nodesPerSite;

    @Option(names = "--topology", description = "YAML file of sites and nodes (see examples/topologies)")
    Path topologyFile;

    @Option(
            names = "--controllers",
            description = "Controllers per site: 1 or 3 (default: ${DEFAULT-VALUE})",
            defaultValue = "1")
    int controllers;

    @Option(names = "--data-dir", description = "Where all state lives (default: ~/.atoll/dev)")
    Path dataDir;

    @Option(
            names = "--keep-instances",
            description = "Leave instances running when atoll dev exits (they are re-adopted on the next start)")
    boolean keepInstances;

    @Option(
            names = "--processes",
            description = "Run every site controller and node agent as its own OS process on loopback (atoll site,"
                    + " atoll agent), talking over the wire protocol and gossip as across machines")
    boolean processes;

    @Option(
            names = "--rebalance",
            description = "Have each site move replicas off nodes whose measured cpu or memory stays above 85%/90%"
                    + " for a minute, to the other nodes of the site first, then the nearest sites (off by default:"
                    + " nothing moves that you did not ask for; atoll plan show works either way)")
    boolean rebalance;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (port < 0 || port > 65535)
            throw new ParameterException(spec.commandLine(), "--port: must be between 0 and 65535, got " + port);
        if (controllers != 1 && controllers != 3) {
            throw new ParameterException(spec.commandLine(), "--controllers: must be 1 or 3, got " + controllers);
        }
        if (sites != null && topologyFile != null) {
            throw new ParameterException(spec.commandLine(), "--sites and --topology: give one or the other");
        }
        if (sites != null && (sites < 1 || sites > 200)) {
            throw new ParameterException(spec.commandLine(), "--sites: must be between 1 and 200, got " + sites);
        }
        if (nodesPerSite < 1 || nodesPerSite > 100) {
            throw new ParameterException(
                    spec.commandLine(), "--nodes-per-site: must be between 1 and 100, got " + nodesPerSite);
        }
        Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".atoll", "dev");
        lockDataDir(dir);
        Topology topology = chooseTopology(dir);
        if (processes) return runProcesses(topology, dir, out);

        DevCloud cloud;
        try {
            cloud = DevCloud.start(
                    topology,
                    dir,
                    controllers,
                    host,
                    port,
                    dev.atoll.control.rebalance.RebalanceSettings.OFF.enabled(rebalance));
        } catch (Exception e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof java.net.BindException) {
                    throw new ParameterException(
                            spec.commandLine(),
                            "--port " + port + ": address " + host + ":" + port
                                    + " is already in use (is another atoll dev running? try --port)");
                }
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("stopping atoll dev" + (keepInstances ? " (instances keep running)" : " and its instances"));
            out.flush();
            if (!keepInstances) cloud.stopInstances();
            cloud.close();
            stopped.countDown();
        }));
        int nodes = topology.sites().stream().mapToInt(s -> s.nodes().size()).sum();
        out.printf(
                "atoll dev: %d sites (%s), %d nodes, %d controller(s) per site, state in %s%n",
                topology.sites().size(),
                String.join(
                        ", ",
                        topology.sites().stream().map(s -> s.site().name()).toList()),
                nodes,
                controllers,
                dir);
        out.printf("API listening on %s%n", cloud.api().uri());
        announceToken(out, cloud.adminToken(), java.util.List.of(cloud.api().uri()));
        out.printf("web console: %s/%n", cloud.api().uri());
        String server = cloud.api().port() == 7070 && host.equals("127.0.0.1")
                ? ""
                : " --server " + cloud.api().uri();
        out.printf("next: ./atoll%s deploy -f examples/hello.yaml   (Ctrl-C stops)%n", server);
        out.flush();
        stopped.await();
        return 0;
    }

    private int runProcesses(Topology topology, Path dir, PrintWriter out) throws Exception {
        if (controllers != 1) {
            throw new ParameterException(
                    spec.commandLine(), "--controllers 3 with --processes is not supported yet; use 1");
        }
        out.printf(
                "atoll dev --processes: %d sites, each a controller process with its agents as processes, state in %s%n",
                topology.sites().size(), dir);
        out.flush();
        DevProcesses cloud =
                DevProcesses.start(topology, dir.resolve("processes"), host, port, keepInstances, rebalance, out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("stopping atoll dev --processes" + (keepInstances ? " (instances keep running)" : ""));
            out.flush();
            cloud.close();
            stopped.countDown();
        }));
        out.printf("API of every site (each serves the whole cloud): %s%n", cloud.apis());
        announceToken(out, cloud.adminToken(), cloud.apis());
        String server = port == 7070 && host.equals("127.0.0.1")
                ? ""
                : " --server " + cloud.apis().getFirst();
        out.printf("next: ./atoll%s deploy -f examples/hello.yaml   (Ctrl-C stops)%n", server);
        out.flush();
        stopped.await();
        return 0;
    }

    /**
     * Prints the cloud admin's token and saves it for the CLI (~/.atoll/credentials.json, by server
     * address), so the commands of another terminal send it without being told.
     */
    private static void announceToken(PrintWriter out, String token, java.util.List<java.net.URI> apis) {
        var credentials = dev.atoll.cli.client.Credentials.ofUser();
        String saved;
        try {
            for (var api : apis) {
                credentials.save(api, token);
                // Listening on every address: the CLI's default server is the loopback one.
                String host = api.getHost();
                if (host.equals("0.0.0.0") || host.equals("[::]") || host.equals("::")) {
                    credentials.save(java.net.URI.create("http://127.0.0.1:" + api.getPort()), token);
                }
            }
            saved = "saved for the atoll command in " + credentials.file();
        } catch (IOException e) {
            saved = "could not save it in " + credentials.file() + " (" + e.getMessage()
                    + "): use --token or ATOLL_TOKEN";
        }
        out.printf("admin token (tenant default, cloud admin): %s%n  %s%n", token, saved);
    }

    /** Held for the life of the process: two clouds on one data dir would corrupt each other's logs. */
    private static java.nio.channels.FileLock dataDirLock;

    private void lockDataDir(Path dir) throws IOException {
        var lock = dev.atoll.cli.DataDirs.lock(dir, "atoll-dev.lock");
        if (lock.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--data-dir " + dir + ": in use by another atoll dev; stop it first or choose another --data-dir");
        }
        dataDirLock = lock.get();
    }

    private Topology chooseTopology(Path dir) throws IOException {
        Path saved = dir.resolve("topology.json");
        Topology wanted = null;
        if (topologyFile != null) {
            if (!Files.isRegularFile(topologyFile)) {
                throw new ParameterException(spec.commandLine(), "--topology: no such file: " + topologyFile);
            }
            var result = TopologyParser.parse(Files.readString(topologyFile));
            if (result instanceof TopologyParser.Result.Invalid(var errors)) {
                StringBuilder message = new StringBuilder("--topology: " + topologyFile + " is not a valid topology:");
                errors.forEach(e -> message.append("\n  ").append(e));
                throw new ParameterException(spec.commandLine(), message.toString());
            }
            wanted = ((TopologyParser.Result.Valid) result).topology();
        } else if (sites != null) {
            wanted = Topologies.generated(sites, nodesPerSite);
        }
        if (Files.exists(saved)) {
            Topology existing = AtollJson.json().readValue(saved.toFile(), Topology.class);
            if (wanted != null && !wanted.equals(existing)) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--data-dir " + dir + " holds a cloud with another topology; start without --sites/--topology"
                                + " to reuse it, or choose another --data-dir");
            }
            return existing;
        }
        Topology topology = wanted != null ? wanted : Topologies.defaultDev();
        Files.createDirectories(dir);
        AtollJson.json().writerWithDefaultPrettyPrinter().writeValue(saved.toFile(), topology);
        return topology;
    }
}
