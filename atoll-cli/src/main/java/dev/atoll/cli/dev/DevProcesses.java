package dev.atoll.cli.dev;

import dev.atoll.model.Quantities;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.Topologies;
import dev.atoll.model.topology.Topology;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * `atoll dev --processes`: the same topology as `atoll dev`, but every site controller and every node
 * agent its own OS process (`atoll site`, `atoll agent`) on loopback, talking over the wire protocol
 * and gossip as they would across machines. Their output is shown prefixed with their name.
 *
 * <p>All internal traffic is mutual TLS, as across machines: the first run makes a cloud CA in
 * {@code DATA_DIR/ca} ({@code atoll init}); the first site signs its own certificate with it ({@code
 * --ca}); every other site and every agent joins with a one-time join token made through a site's
 * API ({@code POST /v1/join-tokens}) and the CA's fingerprint. Later runs find the certificates in
 * the data dirs.
 *
 * <p>Ports: site i (from 0) takes wire calls on {@code 7100 + 10 i} (gossip on the next port) and
 * serves its API on {@code --port + i}.
 */
public final class DevProcesses implements AutoCloseable {
    /** Where `atoll dev --processes` puts the wire ports of its sites. */
    public static final int WIRE_BASE = 7100;

    private final List<Process> processes = new ArrayList<>();
    private final java.util.Map<String, Process> byName = new java.util.LinkedHashMap<>();
    private final List<URI> apis = new ArrayList<>();
    private String adminToken;
    private dev.atoll.wire.tls.CertificateAuthority ca;

    /** Whether every site starts with {@code --rebalance}. */
    private boolean rebalance;

    private DevProcesses() {}

    /** @param rebalance start every site with {@code --rebalance} (atoll dev --processes --rebalance) */
    public static DevProcesses start(
            Topology topology,
            Path dataDir,
            String host,
            int port,
            boolean keepInstances,
            boolean rebalance,
            PrintWriter out)
            throws IOException, InterruptedException {
        return start(topology, dataDir, host, port, WIRE_BASE, keepInstances, rebalance, out);
    }

    /** @param wireBase site i takes wire calls on {@code wireBase + 10 i} and gossips on the next port */
    public static DevProcesses start(
            Topology topology,
            Path dataDir,
            String host,
            int port,
            int wireBase,
            boolean keepInstances,
            PrintWriter out)
            throws IOException, InterruptedException {
        return start(topology, dataDir, host, port, wireBase, keepInstances, false, out);
    }

    private static DevProcesses start(
            Topology topology,
            Path dataDir,
            String host,
            int port,
            int wireBase,
            boolean keepInstances,
            boolean rebalance,
            PrintWriter out)
            throws IOException, InterruptedException {
        DevProcesses cloud = new DevProcesses();
        cloud.rebalance = rebalance;
        try {
            cloud.launch(topology, dataDir, host, port, wireBase, keepInstances, out);
        } catch (IOException | InterruptedException | RuntimeException e) {
            cloud.close();
            throw e;
        }
        return cloud;
    }

    private void launch(
            Topology topology,
            Path dataDir,
            String host,
            int port,
            int wireBase,
            boolean keepInstances,
            PrintWriter out)
            throws IOException, InterruptedException {
        // Made before any site starts, so that every site registers the same token.
        Path tokenFile = dataDir.resolve("admin-token");
        adminToken = dev.atoll.cli.site.AdminToken.readOrCreate(tokenFile, new java.security.SecureRandom());
        Path caDir = dataDir.resolve("ca");
        if (!dev.atoll.wire.tls.CertificateAuthority.existsIn(caDir)) {
            dev.atoll.wire.tls.CertificateAuthority.create("atoll dev", java.time.Instant.now())
                    .save(caDir);
        }
        ca = dev.atoll.wire.tls.CertificateAuthority.load(caDir);
        URI firstApi = null;
        String firstWire = null;
        int index = 0;
        for (var siteTopology : topology.sites()) {
            var site = siteTopology.site();
            String wire = "127.0.0.1:" + (wireBase + 10 * index);
            URI api = URI.create("http://" + host + ":" + (port + index));
            List<String> args = new ArrayList<>(List.of(
                    "site",
                    "--name",
                    site.name(),
                    "--lat",
                    String.format(Locale.ROOT, "%.4f", site.location().lat()),
                    "--lon",
                    String.format(Locale.ROOT, "%.4f", site.location().lon()),
                    "--country",
                    site.country(),
                    "--jurisdiction",
                    site.jurisdiction(),
                    "--listen",
                    wire,
                    "--api",
                    host + ":" + (port + index),
                    "--data-dir",
                    dataDir.resolve("sites").resolve(site.name()).toString(),
                    "--admin-token-file",
                    tokenFile.toString()));
            if (!site.tags().isEmpty()) args.addAll(List.of("--tags", String.join(",", site.tags())));
            if (rebalance) args.add("--rebalance");
            if (firstWire != null) args.addAll(List.of("--join", firstWire));
            Path siteDir = dataDir.resolve("sites").resolve(site.name());
            if (firstApi == null) {
                args.addAll(List.of("--ca", caDir.toString()));
            } else if (!dev.atoll.wire.tls.Enrollment.joinedBefore(siteDir)) {
                args.addAll(List.of(
                        "--join-token",
                        joinToken(firstApi, "site", site.name()),
                        "--ca-fingerprint",
                        ca.fingerprint()));
            }
            spawn(site.name(), args, out);
            awaitHealthy(api, site.name());
            // Join tokens are made by the cloud admin, whom the site registers in the background.
            awaitToken(api);
            if (firstApi == null) firstApi = api;
            apis.add(api);
            for (NodeInfo node : siteTopology.nodes()) {
                List<String> agentArgs = new ArrayList<>(List.of(
                        "agent",
                        "--site",
                        site.name(),
                        "--controller",
                        wire,
                        "--name",
                        node.name(),
                        "--capacity",
                        "cpu=" + Quantities.formatCpu(node.capacity().cpuMillis()) + ",memory="
                                + Quantities.formatMemory(node.capacity().memoryBytes()),
                        "--slots",
                        String.valueOf(node.instanceSlots()),
                        "--drivers",
                        // A node the topology leaves at the default runs whatever works here.
                        node.drivers().equals(Topologies.DEFAULT_NODE_DRIVERS)
                                ? "auto"
                                : String.join(",", node.drivers()),
                        "--data-dir",
                        dataDir.resolve("sites")
                                .resolve(site.name())
                                .resolve("nodes")
                                .resolve(node.name())
                                .toString(),
                        "--http",
                        "127.0.0.1:0"));
                if (!keepInstances) agentArgs.add("--stop-instances-on-exit");
                if (!node.tags().isEmpty()) agentArgs.addAll(List.of("--tags", String.join(",", node.tags())));
                Path nodeDir = dataDir.resolve("sites")
                        .resolve(site.name())
                        .resolve("nodes")
                        .resolve(node.name());
                if (!dev.atoll.wire.tls.Enrollment.validIn(nodeDir, java.time.Instant.now())) {
                    agentArgs.addAll(List.of(
                            "--join-token",
                            joinToken(api, "agent", site.name()),
                            "--ca-fingerprint",
                            ca.fingerprint()));
                }
                spawn(site.name() + "/" + node.name(), agentArgs, out);
            }
            if (firstWire == null) firstWire = wire;
            index++;
        }
    }

    /** Waits until the first site takes the admin token, so the token printed works at once. */
    private void awaitToken(URI api) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                var response = http.send(
                        HttpRequest.newBuilder(api.resolve("/v1/whoami"))
                                .header("Authorization", "Bearer " + adminToken)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) return;
            } catch (IOException e) {
                // Not answering yet.
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the sites did not take the admin token within 60 s (their output is above)");
    }

    /** A one-time join token made through {@code api} (as the cloud admin), for a site or an agent of {@code site}. */
    private String joinToken(URI api, String forRole, String site) throws IOException, InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        String body = "{\"for\": \"" + forRole + "\", \"site\": \"" + site + "\", \"ttl\": \"10m\"}";
        var response = http.send(
                HttpRequest.newBuilder(api.resolve("/v1/join-tokens"))
                        .header("Authorization", "Bearer " + adminToken)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("could not make a join token for " + forRole + " " + site + " at " + api
                    + ": " + response.statusCode() + " " + response.body());
        }
        return dev.atoll.model.json.AtollJson.json()
                .readTree(response.body())
                .path("token")
                .asText();
    }

    /**
     * TLS for an operator of this dev cloud (tests, benchmarks): trusts the dev CA and presents a site
     * certificate, which an agent's port asks for to serve logs and traces.
     */
    public javax.net.ssl.SSLContext operatorTls() {
        var credentials = ca.issueFor(
                dev.atoll.wire.tls.Certificates.newKeyPair(),
                dev.atoll.wire.tls.PeerRole.SITE,
                "dev-operator",
                java.time.Instant.now().minus(Duration.ofMinutes(1)),
                Duration.ofHours(1));
        return new dev.atoll.wire.tls.CloudIdentity(ca.certificate(), credentials).sslContext();
    }

    /** The cloud admin's token, which every site registers (it may take a moment after start). */
    public String adminToken() {
        return adminToken;
    }

    /** The API of every site, in topology order; any of them serves the whole cloud. */
    public List<URI> apis() {
        return List.copyOf(apis);
    }

    private void spawn(String name, List<String> args, PrintWriter out) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        // Netty still uses sun.misc.Unsafe; without this every process starts with four lines of warning.
        if (Runtime.version().feature() >= 23) command.add("--sun-misc-unsafe-memory-access=allow");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(dev.atoll.cli.Main.class.getName());
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(process);
        byName.put(name, process);
        Thread.ofVirtual().name("output-" + name).start(() -> {
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (out) {
                        out.println("[" + name + "] " + line);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // The process ended.
            }
        });
    }

    private void awaitHealthy(URI api, String site) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (processes.getLast().isAlive()) {
                try {
                    var response = http.send(
                            HttpRequest.newBuilder(api.resolve("/healthz"))
                                    .timeout(Duration.ofSeconds(1))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) return;
                } catch (IOException e) {
                    // Not listening yet.
                }
            } else {
                throw new IllegalStateException("site " + site + " exited with status "
                        + processes.getLast().exitValue() + " (its output is above)");
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("site " + site + " did not answer on " + api + " within 60 s");
    }

    /**
     * Crashes a site's controller ({@code "london"}) or a node's agent ({@code "london/n1"}) with
     * SIGKILL, with every process it started: a machine lost at once.
     */
    public void kill(String name) {
        Process process = byName.get(name);
        if (process == null) throw new IllegalArgumentException("no process " + name + "; known: " + byName.keySet());
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops every process with SIGTERM (agents leave instances running), then kills what lingers. */
    @Override
    public void close() {
        for (Process p : processes.reversed()) p.destroy();
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
