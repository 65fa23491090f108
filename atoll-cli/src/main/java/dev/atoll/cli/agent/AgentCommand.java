package dev.atoll.cli.agent;

import dev.atoll.agent.AgentSettings;
import dev.atoll.agent.NodeAgent;
import dev.atoll.agent.driver.NodeDrivers;
import dev.atoll.agent.link.ControllerLink;
import dev.atoll.agent.network.InstanceNetworks;
import dev.atoll.agent.network.NodeNetworking;
import dev.atoll.agent.network.TenantNetworks;
import dev.atoll.api.node.NodeHttpServer;
import dev.atoll.cli.DataDirs;
import dev.atoll.cli.HostPort;
import dev.atoll.image.NodeImageCache;
import dev.atoll.image.remote.RemoteBlobPeer;
import dev.atoll.model.Quantities;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.wire.Failures;
import dev.atoll.wire.WireSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "agent",
        description = "Run a node agent: it joins its site's controller over the wire protocol, runs the instances"
                + " the site assigns to it, and serves /healthz, /metrics and instance logs over HTTP (HTTPS once it"
                + " joined with a token: then everything is mutual TLS).",
        footerHeading = "%nExample:%n",
        footer = {
            "  atoll agent --site london --controller 198.18.0.1:7000 --name n1 \\",
            "      --capacity cpu=4,memory=8Gi --tags ssd --drivers process --data-dir /var/lib/atoll/n1",
            "  # with TLS: a token from `atoll join-token create --for agent --site london`, the fingerprint from atoll init",
            "  atoll agent --site london --controller 198.18.0.1:7000 --name n2 --data-dir /var/lib/atoll/n2 \\",
            "      --join-token atoll-join_... --ca-fingerprint 3f2a..."
        })
public final class AgentCommand implements Callable<Integer> {
    /** An agent's image call may wait while its site fetches the image from another site. */
    private static final Duration IMAGE_CALL_TIMEOUT = Duration.ofMinutes(5);

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    @Spec
    CommandSpec spec;

    @Option(names = "--site", required = true, description = "The site this node belongs to")
    String site;

    @Option(
            names = "--controller",
            required = true,
            converter = HostPort.List.class,
            description = "The site's controller(s): HOST:PORT[,HOST:PORT..] (their --listen address)")
    List<InetSocketAddress> controllers;

    @Option(names = "--name", required = true, description = "This node's name, unique in its site")
    String name;

    @Option(
            names = "--capacity",
            description = "What this node offers: cpu=N,memory=SIZE (default: ${DEFAULT-VALUE})",
            defaultValue = "cpu=2,memory=2Gi")
    String capacity;

    @Option(names = "--slots", description = "Most instances at once (default: ${DEFAULT-VALUE})", defaultValue = "100")
    int slots;

    @Option(names = "--tags", split = ",", description = "Tags placement may ask for, comma-separated")
    List<String> tags = List.of();

    @Option(
            names = "--drivers",
            split = ",",
            description = "Drivers this node runs: process, oci, microvm, or auto for every one that works here"
                    + " (default: ${DEFAULT-VALUE}). A driver named here that does not work is an error.",
            defaultValue = "auto")
    List<String> drivers;

    @Option(
            names = "--microvm-kernel",
            paramLabel = "FILE",
            description = "Guest kernel for micro-VMs whose image has none (default: the newest /boot/vmlinuz-*)")
    Path microvmKernel;

    @Option(names = "--data-dir", required = true, description = "Where this node keeps its instances' state and logs")
    Path dataDir;

    @Option(
            names = "--http",
            converter = HostPort.class,
            description = "HTTP address for /healthz, /metrics and logs (default: the address that reaches the"
                    + " controller, any free port)")
    InetSocketAddress http;

    @Option(
            names = "--networks",
            description = "Tenant networks on this node: auto (when it runs as root with iproute2), on (insist),"
                    + " off (default: ${DEFAULT-VALUE})",
            defaultValue = "auto")
    String networks;

    @Option(
            names = "--dns-port",
            description = "Port of the node's DNS server for instances on tenant networks (default: ${DEFAULT-VALUE})",
            defaultValue = "53")
    int dnsPort;

    @Option(
            names = "--stop-instances-on-exit",
            description = "Stop this node's instances when the agent stops (default: leave them running; the next"
                    + " start re-adopts them)")
    boolean stopInstancesOnExit;

    /** Runs certificate renewals (one a day by default); a daemon, so it never holds the process. */
    private static final java.util.concurrent.ScheduledExecutorService RENEWALS =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("agent-tls-renewal").daemon().factory());

    @Option(
            names = "--join-token",
            paramLabel = "TOKEN",
            description = "A one-time join token (atoll join-token create --for agent --site SITE): the site signs"
                    + " this node's certificate (its key stays in --data-dir); needs --ca-fingerprint. Later starts"
                    + " use the certificate in --data-dir")
    String joinToken;

    @Option(
            names = "--ca-fingerprint",
            paramLabel = "SHA256",
            description = "The cloud CA's SHA-256 fingerprint (atoll init prints it): the only CA the agent trusts")
    String caFingerprint;

    /**
     * The node's certificate: from --data-dir (an earlier join), else by joining with --join-token;
     * empty: plain TCP, as before TLS.
     */
    private Optional<dev.atoll.wire.tls.CloudIdentity> identity(
            List<InetSocketAddress> controllers, dev.atoll.wire.tls.TlsRefusals refusals) {
        try {
            boolean joined = dev.atoll.wire.tls.Enrollment.joinedBefore(dataDir);
            if (joined && dev.atoll.wire.tls.Enrollment.validIn(dataDir, java.time.Instant.now())) {
                return Optional.of(
                        dev.atoll.wire.tls.Enrollment.load(dataDir, refusals).identity());
            }
            if (joined && joinToken == null) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--join-token: the node's certificate in " + dataDir + " has expired (the agent was"
                                + " stopped longer than its lifetime); join again with a new token");
            }
            if (joinToken == null) {
                if (caFingerprint != null) {
                    throw new ParameterException(spec.commandLine(), "--ca-fingerprint: only with --join-token");
                }
                return Optional.empty();
            }
            if (caFingerprint == null) {
                throw new ParameterException(
                        spec.commandLine(), "--ca-fingerprint: required with --join-token (atoll init prints it)");
            }
            String fingerprint = dev.atoll.wire.tls.Enrollment.checkFingerprint("--ca-fingerprint", caFingerprint);
            return Optional.of(dev.atoll.wire.tls.Enrollment.join(
                            dataDir,
                            controllers,
                            joinToken,
                            fingerprint,
                            dev.atoll.wire.tls.PeerRole.AGENT,
                            name,
                            dev.atoll.wire.Hello.of(site, "agent:" + name),
                            refusals,
                            Duration.ofSeconds(10))
                    .identity());
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), "--join-token: " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        checkName("--site", site);
        checkName("--name", name);
        Resources resources = parseCapacity(capacity);
        if (slots < 1 || slots > 100_000)
            throw new ParameterException(spec.commandLine(), "--slots: must be between 1 and 100000, got " + slots);
        Set<DriverKind> wanted = wantedDrivers();
        if (microvmKernel != null && !Files.isRegularFile(microvmKernel)) {
            throw new ParameterException(spec.commandLine(), "--microvm-kernel: " + microvmKernel + " is not a file");
        }
        Set<String> tagSet = new LinkedHashSet<>(tags);
        if (!List.of("auto", "on", "off").contains(networks)) {
            throw new ParameterException(
                    spec.commandLine(), "--networks: must be auto, on or off, got '" + networks + "'");
        }
        if (dnsPort < 0 || dnsPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--dns-port: must be between 0 and 65535, got " + dnsPort);
        }
        Optional<String> noNetworks = NodeNetworking.missing();
        if (networks.equals("on") && noNetworks.isPresent()) {
            throw new ParameterException(spec.commandLine(), "--networks on: not possible here: " + noNetworks.get());
        }
        var lock = DataDirs.lock(dataDir, "atoll-agent.lock");
        if (lock.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(), "--data-dir " + dataDir + ": in use by another atoll agent; stop it first");
        }
        var refusals = new dev.atoll.wire.tls.TlsRefusals();
        Optional<dev.atoll.wire.tls.CloudIdentity> tls = identity(controllers, refusals);
        InetAddress advertised = http != null && !http.getAddress().isAnyLocalAddress()
                ? http.getAddress()
                : addressTowards(controllers.getFirst());
        ControllerLink[] link = new ControllerLink[1];
        Optional<TenantNetworks> tenantNetworks = Optional.empty();
        if (!networks.equals("off") && noNetworks.isEmpty()) {
            var created = NodeNetworking.create(name, advertised, NodeNetworking.through(() -> link[0], name), dnsPort);
            try {
                tenantNetworks = Optional.of(created.openDns());
            } catch (java.io.IOException e) {
                // Several agents on one host: the first one answers DNS there and has the networks.
                if (networks.equals("on")) {
                    throw new ParameterException(
                            spec.commandLine(), "--dns-port " + dnsPort + ": cannot listen: " + e.getMessage());
                }
                noNetworks = Optional.of("cannot listen on DNS port " + dnsPort + " (" + e.getMessage() + ")");
            }
        }
        if (tenantNetworks.isEmpty() && !networks.equals("off")) {
            out.printf("tenant networks are off on this node: %s%n", noNetworks.orElse("not wanted"));
        }
        var found = NodeDrivers.detect(
                wanted, dataDir.resolve("drivers"), Optional.ofNullable(microvmKernel), tenantNetworks.map(n ->
                        (InstanceNetworks) n));
        if (!wanted.isEmpty() && !found.missing().isEmpty()) {
            var why = new StringBuilder();
            found.missing().forEach((kind, reason) -> why.append(why.isEmpty() ? "" : "; ")
                    .append(kind.wireName())
                    .append(": ")
                    .append(reason));
            throw new ParameterException(spec.commandLine(), "--drivers: not usable on this machine: " + why);
        }
        found.missing()
                .forEach(
                        (kind, reason) -> out.printf("driver %s is not available here: %s%n", kind.wireName(), reason));
        var details = new LinkedHashMap<>(found.details());
        details.put(NodeInfo.NETWORK_DETAIL, tenantNetworks.isPresent() ? NodeInfo.NETWORK_VXLAN : "none");
        NodeInfo node = new NodeInfo(site, name, resources, slots, found.names(), tagSet, details)
                .at(advertised.getHostAddress());
        var images = new NodeImageCache(
                dataDir.resolve("images"),
                () -> List.of(new RemoteBlobPeer(
                        "site " + site, (method, body) -> link[0].callRaw(method, body, IMAGE_CALL_TIMEOUT), true)));
        // Instance starts join the trace of the deploy that asked for them; see GET /v1/traces/{id}.
        var tracing = dev.atoll.api.trace.OtelTracing.create("atoll-agent " + node.id(), System.getenv());
        NodeAgent agent = new NodeAgent(
                        node, dataDir, found.drivers(), images, Clock.systemUTC(), AgentSettings.DEFAULTS)
                .withTracing(tracing);
        Optional<TenantNetworks> started = tenantNetworks;
        started.ifPresent(TenantNetworks::start);
        String bindHost = http != null ? http.getAddress().getHostAddress() : advertised.getHostAddress();
        int bindPort = http != null ? http.getPort() : 0;

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AgentMeters meters = new AgentMeters(registry, () -> List.of(agent));
        NodeHttpServer server;
        try {
            server = NodeHttpServer.start(
                    bindHost,
                    bindPort,
                    () -> health(agent, link[0]),
                    () -> {
                        meters.refresh();
                        return registry.scrape();
                    },
                    agent,
                    tracing.ring(),
                    tls.orElse(null));
        } catch (RuntimeException e) {
            agent.close();
            throw new ParameterException(
                    spec.commandLine(),
                    "--http " + bindHost + ":" + bindPort + ": cannot listen: "
                            + Failures.rootCause(e).getMessage());
        }
        String logUrl = (tls.isPresent() ? "https://" : "http://")
                + HostPort.text(new InetSocketAddress(advertised, server.port()));
        link[0] = ControllerLink.start(
                agent,
                controllers,
                logUrl,
                WireSettings.defaults(),
                tls.map(t -> dev.atoll.wire.tls.WireTls.accepting(t, dev.atoll.wire.tls.PeerRole.SITE))
                        .orElse(null));
        // Renewed at two thirds of its lifetime over the link, which the certificate authenticates.
        Optional<dev.atoll.wire.tls.CertificateRenewal> renewal =
                tls.map(t -> new dev.atoll.wire.tls.CertificateRenewal(
                                t,
                                dataDir,
                                csr -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                                    try {
                                        byte[] answer = link[0].callRaw(
                                                dev.atoll.wire.tls.JoinCalls.RENEW,
                                                dev.atoll.wire.tls.JoinCalls.write(
                                                        dev.atoll.wire.tls.Pem.encode("CERTIFICATE REQUEST", csr)),
                                                Duration.ofSeconds(10));
                                        return dev.atoll.wire.tls.Pem.parseCertificate(
                                                dev.atoll.wire.tls.JoinCalls.read(answer, 1)[0]);
                                    } catch (java.io.IOException e) {
                                        throw new java.io.UncheckedIOException(e);
                                    }
                                }),
                                RENEWALS)
                        .start());
        tls.ifPresent(t -> dev.atoll.cli.site.TlsMeters.register(registry, t.refusals()));
        metrics(registry, link[0]);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("atoll agent " + node.id() + ": stopping"
                    + (stopInstancesOnExit
                            ? " and its instances"
                            : " (its instances keep running until the agent's next start re-adopts them)"));
            out.flush();
            renewal.ifPresent(dev.atoll.wire.tls.CertificateRenewal::close);
            link[0].close();
            if (stopInstancesOnExit) agent.stopAll();
            server.close();
            started.ifPresent(TenantNetworks::close);
            agent.close();
            tracing.close();
            stopped.countDown();
        }));
        out.printf(
                "atoll agent %s: capacity %s, %d slots, drivers %s, tags %s, state in %s%n",
                node.id(), resources, slots, describe(found), tagSet, dataDir);
        out.printf("joining controller %s; health, metrics and logs on %s%n", controllers, logUrl);
        out.println(tls.map(t -> "internal traffic: mutual TLS 1.3 as agent " + name + ", certificate until "
                        + t.credentials().orElseThrow().notAfter())
                .orElse("internal traffic: plain TCP, not authenticated (start with --join-token for TLS)"));
        out.flush();
        stopped.await();
        return 0;
    }

    /** Empty for auto: every driver that works here. */
    private Set<DriverKind> wantedDrivers() {
        if (drivers.size() == 1 && drivers.getFirst().equals("auto")) return Set.of();
        var kinds = new LinkedHashSet<DriverKind>();
        for (String driver : drivers) {
            var kind = DriverKind.fromWireName(driver);
            if (kind.isEmpty()) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--drivers: '" + driver + "' is not a driver; give process, oci, microvm or auto");
            }
            kinds.add(kind.get());
        }
        return kinds;
    }

    private static String describe(NodeDrivers.Found found) {
        return found.drivers().keySet().stream()
                .map(kind -> kind.wireName()
                        + java.util.Optional.ofNullable(found.details().get(kind.wireName()))
                                .map(d -> " (" + d + ")")
                                .orElse(""))
                .sorted()
                .toList()
                .toString();
    }

    private static Map<String, Object> health(NodeAgent agent, ControllerLink link) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("node", agent.node().id());
        body.put("joined", link != null && link.joined());
        body.put("controller", link == null ? "" : HostPort.text(link.controller()));
        body.put("instances", agent.reports().size());
        return body;
    }

    private static void metrics(PrometheusMeterRegistry registry, ControllerLink link) {
        Gauge.builder("atoll_agent_joined", link, l -> l.joined() ? 1 : 0)
                .description("1 while the site's controller knows this node")
                .register(registry);
        Gauge.builder("atoll_agent_heartbeats_answered", link, ControllerLink::heartbeatsAnswered)
                .description("Heartbeats the controller answered since start")
                .register(registry);
    }

    /** The local address the system would use to reach the controller: what the controller can reach back. */
    private static InetAddress addressTowards(InetSocketAddress controller) {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(controller);
            InetAddress local = probe.getLocalAddress();
            return local.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : local;
        } catch (java.io.IOException e) {
            return InetAddress.getLoopbackAddress();
        }
    }

    private void checkName(String option, String value) {
        if (!NAME.matcher(value).matches()) {
            throw new ParameterException(
                    spec.commandLine(),
                    option + ": '" + value + "' must be lower-case letters, digits and '-', 1 to 63 characters");
        }
    }

    private Resources parseCapacity(String text) {
        long cpu = -1;
        long memory = -1;
        for (String part : text.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2) {
                throw new ParameterException(spec.commandLine(), "--capacity: '" + part + "' is not KEY=VALUE");
            }
            String key = kv[0].trim();
            String value = kv[1].trim();
            switch (key) {
                case "cpu" ->
                    cpu = Quantities.parseCpuMillis(value)
                            .orElseThrow(() -> new ParameterException(
                                    spec.commandLine(),
                                    "--capacity: cpu '" + value + "' is not a CPU amount like 4 or 500m"));
                case "memory" ->
                    memory = Quantities.parseMemoryBytes(value)
                            .orElseThrow(() -> new ParameterException(
                                    spec.commandLine(),
                                    "--capacity: memory '" + value + "' is not a size like 8Gi or 512Mi"));
                default ->
                    throw new ParameterException(
                            spec.commandLine(), "--capacity: unknown resource '" + key + "' (known: cpu, memory)");
            }
        }
        if (cpu <= 0 || memory <= 0) {
            throw new ParameterException(spec.commandLine(), "--capacity: give both cpu and memory, above zero");
        }
        return new Resources(cpu, memory);
    }
}
