package dev.atoll.cli.site;

import dev.atoll.cli.DataDirs;
import dev.atoll.cli.HostPort;
import dev.atoll.model.GeoPoint;
import dev.atoll.model.topology.SiteInfo;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "site",
        description = "Run a site controller: a member of the site's Raft group that takes its agents' heartbeats,"
                + " finds the other sites by gossip, places replicas by offers over the wire protocol and serves"
                + " the REST API for the whole cloud. Ports: --listen PORT takes wire calls, PORT+1 gossip,"
                + " PORT+2 Raft between the site's controllers (with --peers). With --peers the site runs 3"
                + " controllers: the one that leads the site's Raft group acts as the site; the others refuse"
                + " wire calls as not the leader (agents and sites move on) and answer the API by asking it.",
        footerHeading = "%nExample:%n",
        footer = {
            "  atoll site --name london --lat 51.51 --lon -0.13 --country GB --jurisdiction UK \\",
            "      --listen 198.18.0.1:7000 --api 198.18.0.1:7070 --join 198.18.1.1:7000 --data-dir /var/lib/atoll",
            "  # one of three controllers of a site (start the other two with their own --listen and --peers):",
            "  atoll site --name london --lat 51.51 --lon -0.13 --country GB --listen 198.18.0.1:7000 \\",
            "      --peers 198.18.0.2:7000,198.18.0.3:7000 --join 198.18.1.1:7000 --data-dir /var/lib/atoll",
            "  # with TLS: the first site signs with the CA of atoll init, the others join with a token",
            "  atoll site --name london ... --ca /etc/atoll/ca --data-dir /var/lib/atoll",
            "  atoll site --name paris ... --join 198.18.0.1:7000 --join-token atoll-join_... --ca-fingerprint 3f2a..."
        })
public final class SiteCommand implements Callable<Integer> {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    @Spec
    CommandSpec spec;

    @Option(names = "--name", required = true, description = "The site's name, unique in the cloud")
    String name;

    @Option(names = "--lat", required = true, description = "Latitude in degrees, -90..90")
    double lat;

    @Option(names = "--lon", required = true, description = "Longitude in degrees, -180..180")
    double lon;

    @Option(names = "--country", required = true, description = "ISO 3166 alpha-2 country code, e.g. GB")
    String country;

    @Option(names = "--jurisdiction", description = "Jurisdiction placement may require (default: the country)")
    String jurisdiction;

    @Option(names = "--tags", split = ",", description = "Site tags placement may ask for, comma-separated")
    List<String> tags = List.of();

    @Option(
            names = "--listen",
            required = true,
            converter = HostPort.class,
            description = "HOST:PORT for the wire protocol (agents and other sites); gossip uses PORT+1")
    InetSocketAddress listen;

    @Option(
            names = "--api",
            converter = HostPort.class,
            description = "HOST:PORT of the REST API (default: the --listen host, port 7070)")
    InetSocketAddress api;

    @Option(
            names = "--join",
            converter = HostPort.List.class,
            description = "--listen addresses of sites already running, to find the cloud (none: the first site)")
    List<InetSocketAddress> join = List.of();

    @Option(
            names = "--ingress",
            description = "Address where published ports (expose) are listened on (default: the --listen host)")
    String ingress;

    @Option(
            names = "--network-pool",
            description =
                    "CIDR that tenant networks are carved from; give every site the same (default: ${DEFAULT-VALUE})",
            defaultValue = "100.64.0.0/10")
    String networkPool;

    @Option(names = "--data-dir", required = true, description = "Where the site's Raft log and snapshots live")
    Path dataDir;

    @Option(
            names = "--admin-token-file",
            paramLabel = "FILE",
            description = "Register the cloud admin token in FILE (made there when missing, readable by its owner"
                    + " only), so the cloud has someone who may create tenants and tokens; give every site the same")
    Path adminTokenFile;

    @Option(
            names = "--peers",
            converter = HostPort.List.class,
            description = "The --listen addresses of this site's other controllers (e.g. 2 more for 3 per site),"
                    + " the same on each; they form the site's Raft group on PORT+2")
    List<InetSocketAddress> peers = List.of();

    @Option(
            names = "--ca",
            paramLabel = "DIR",
            description = "The cloud CA made by atoll init (ca.crt, ca.key): the site signs its own certificate"
                    + " and its agents'; all internal traffic is then mutual TLS")
    Path caDir;

    @Option(
            names = "--join-token",
            paramLabel = "TOKEN",
            description = "A one-time join token (atoll join-token create --for site): a site of --join signs this"
                    + " site's certificate and hands it the CA; needs --ca-fingerprint")
    String joinToken;

    @Option(
            names = "--ca-fingerprint",
            paramLabel = "SHA256",
            description =
                    "The cloud CA's SHA-256 fingerprint (atoll init prints it): the only CA a joining site trusts")
    String caFingerprint;

    @Option(
            names = "--cert-lifetime",
            converter = dev.atoll.cli.deploy.DurationConverter.class,
            description = "Lifetime of the certificates this site signs (its own, its agents'); renewed at 2/3"
                    + " (default: 24h)")
    java.time.Duration certLifetime = SiteIdentity.DEFAULT_LIFETIME;

    @Option(
            names = "--rebalance",
            description = "Move replicas off this site's nodes whose measured cpu or memory stays above 85%/90% for"
                    + " a minute, to the other nodes of the site first, then the nearest sites (off by default:"
                    + " nothing moves that you did not ask for; atoll plan show works either way)")
    boolean rebalance;

    @Option(
            names = "--plan-every",
            paramLabel = "DURATION",
            converter = dev.atoll.cli.deploy.DurationConverter.class,
            description = "Work out this site's rebalancing plan by itself this often (10s or more, e.g. 15m), to be"
                    + " seen with atoll plan show and applied with atoll plan apply (default: only when asked)")
    java.time.Duration planEvery;

    /** The other controllers must be distinct from this one and from each other, with room for PORT+2. */
    private void checkPeers() {
        if (peers.isEmpty()) return;
        if (listen.getPort() >= 65534) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--listen: give a port below 65534 with --peers (gossip uses PORT+1, Raft PORT+2)");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (InetSocketAddress peer : peers) {
            String text = HostPort.text(peer);
            if (text.equals(HostPort.text(listen))) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--peers: " + text + " is this controller's own --listen address; list only the other"
                                + " controllers of the site");
            }
            if (!seen.add(text)) {
                throw new ParameterException(spec.commandLine(), "--peers: " + text + " is given twice");
            }
            if (peer.getPort() == 0 || peer.getPort() >= 65534) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--peers: " + text + " needs a fixed port below 65534 (its Raft port is PORT+2)");
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!NAME.matcher(name).matches()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--name: '" + name + "' must be lower-case letters, digits and '-', 1 to 63 characters");
        }
        if (lat < -90 || lat > 90)
            throw new ParameterException(spec.commandLine(), "--lat: must be between -90 and 90");
        if (lon < -180 || lon > 180)
            throw new ParameterException(spec.commandLine(), "--lon: must be between -180 and 180");
        if (!country.matches("[A-Z]{2}")) {
            throw new ParameterException(spec.commandLine(), "--country: '" + country + "' is not two capital letters");
        }
        if (listen.getPort() == 0 || listen.getPort() >= 65535) {
            throw new ParameterException(
                    spec.commandLine(), "--listen: give a fixed port below 65535 (gossip uses PORT+1)");
        }
        checkPeers();
        dev.atoll.net.ipam.Subnet pool;
        try {
            pool = dev.atoll.net.ipam.Subnet.parse(networkPool);
            new dev.atoll.net.ipam.NetworkAddressing(pool, dev.atoll.net.ipam.NetworkAddressing.DEFAULT_SUBNET_PREFIX);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--network-pool: " + e.getMessage());
        }
        java.util.Optional<java.net.InetAddress> ingressAddress = java.util.Optional.empty();
        if (ingress != null) {
            try {
                if (!ingress.matches("[0-9.]+|[0-9a-fA-F:]+")) throw new java.net.UnknownHostException(ingress);
                ingressAddress = java.util.Optional.of(java.net.InetAddress.getByName(ingress));
            } catch (java.net.UnknownHostException e) {
                throw new ParameterException(
                        spec.commandLine(), "--ingress: '" + ingress + "' is not an IP address of this machine");
            }
        }
        var lock = DataDirs.lock(dataDir, "atoll-site.lock");
        if (lock.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(), "--data-dir " + dataDir + ": in use by another atoll site; stop it first");
        }
        SiteInfo site = new SiteInfo(
                name,
                new GeoPoint(lat, lon),
                country,
                jurisdiction == null ? country : jurisdiction,
                new LinkedHashSet<>(tags));
        InetSocketAddress apiAddress = api != null ? api : new InetSocketAddress(listen.getAddress(), 7070);
        if (certLifetime.compareTo(java.time.Duration.ofMinutes(1)) < 0
                || certLifetime.compareTo(java.time.Duration.ofDays(365)) > 0) {
            throw new ParameterException(spec.commandLine(), "--cert-lifetime: must be between 1m and 365 days");
        }
        if (planEvery != null && planEvery.compareTo(java.time.Duration.ofSeconds(10)) < 0) {
            throw new ParameterException(spec.commandLine(), "--plan-every: must be 10s or more, not " + planEvery);
        }
        var refusals = new dev.atoll.wire.tls.TlsRefusals();
        java.util.Optional<SiteIdentity> tls;
        try {
            tls = SiteIdentity.establish(name, dataDir, caDir, joinToken, caFingerprint, join, certLifetime, refusals);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        SiteServer server;
        try {
            var settings = new SiteServer.Settings(
                    site,
                    listen,
                    apiAddress,
                    join,
                    dataDir,
                    peers,
                    ingressAddress,
                    pool,
                    tls,
                    dev.atoll.control.rebalance.RebalanceSettings.OFF.enabled(rebalance),
                    dev.atoll.control.rebalance.PlanSettings.DEFAULT.withEvery(planEvery));
            server = SiteServer.start(settings, line -> {
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (adminTokenFile != null) {
            try {
                server.registerAdminToken(adminTokenFile);
            } catch (java.io.IOException e) {
                server.close();
                throw new ParameterException(
                        spec.commandLine(), "--admin-token-file " + adminTokenFile + ": " + e.getMessage());
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("atoll site " + name + ": stopping (its agents keep their instances running)");
            out.flush();
            server.close();
            stopped.countDown();
        }));
        out.printf(
                "atoll site %s (%s, %s): wire on %s, gossip on %s, API on %s, state in %s%n",
                name,
                site.country(),
                site.jurisdiction(),
                HostPort.text(server.wireAddress()),
                HostPort.text(server.gossipAddress()),
                server.apiUri(),
                dataDir);
        if (!peers.isEmpty()) {
            out.printf(
                    "controller %s of %d: Raft on %s with peers %s; it acts as the site while it leads%n",
                    server.memberId(),
                    peers.size() + 1,
                    HostPort.text(SiteServer.raftAddress(listen)),
                    peers.stream().map(HostPort::text).toList());
        }
        out.println(tls.map(t -> "internal traffic: mutual TLS 1.3 as site " + name + ", certificate until "
                        + t.identity().credentials().orElseThrow().notAfter() + ", CA "
                        + t.identity().caFingerprint())
                .orElse("internal traffic: plain TCP, not authenticated (start with --ca or --join-token for TLS)"));
        out.printf(join.isEmpty() ? "first site of a new cloud%n" : "joining the cloud through %s%n", join);
        out.flush();
        stopped.await();
        return 0;
    }
}
