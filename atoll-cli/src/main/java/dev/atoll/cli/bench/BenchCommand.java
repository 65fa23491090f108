package dev.atoll.cli.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "bench",
        description = "Measures Atoll on this machine and prints the figures beside their anchors.",
        subcommands = {
            BenchCommand.Deploy.class,
            BenchCommand.Restart.class,
            BenchCommand.NodeFailure.class,
            BenchCommand.SiteFailure.class,
            BenchCommand.Processes.class,
            BenchCommand.Gossip.class,
            BenchCommand.Density.class,
            BenchCommand.Dns.class
        },
        footerHeading = "%nExample:%n",
        footer = {
            "  atoll bench deploy --runs 5",
            "  atoll bench restart --count 20",
            "  atoll bench node-failure --runs 3",
            "  atoll bench placement --quick   # placement against CloudSim Plus, BtrPlace and Timefold (its own jar,"
                    + " started by the ./atoll script)"
        })
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** A usage error naming the option unless {@code min <= value <= max}. */
    static void checkRange(CommandSpec spec, String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ParameterException(
                    spec.commandLine(), option + ": must be between " + min + " and " + max + ", got " + value);
        }
    }

    @Command(
            name = "dns",
            description = "Answers A queries for tenant names from the embedded DNS server on loopback, as fast as"
                    + " several clients ask, and reports queries per second and latency.",
            footerHeading = "%nExample:%n",
            footer = "  atoll bench dns --endpoints 1000 --clients 4 --seconds 5")
    static final class Dns implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--endpoints",
                description = "Replicas in the name table (default: ${DEFAULT-VALUE})",
                defaultValue = "1000")
        int endpoints;

        @Option(
                names = "--clients",
                description = "Clients asking at once (default: ${DEFAULT-VALUE})",
                defaultValue = "4")
        int clients;

        @Option(names = "--seconds", description = "How long to ask (default: ${DEFAULT-VALUE})", defaultValue = "5")
        int seconds;

        @Override
        public Integer call() throws Exception {
            checkRange(spec, "--endpoints", endpoints, 1, 1_000_000);
            checkRange(spec, "--clients", clients, 1, 256);
            checkRange(spec, "--seconds", seconds, 1, 600);
            PrintWriter out = spec.commandLine().getOut();
            // A first second warms the JIT; the figures are from the run after it.
            dev.atoll.net.dns.DnsLoad.runLocal(endpoints, clients, Duration.ofSeconds(1));
            var r = dev.atoll.net.dns.DnsLoad.runLocal(endpoints, clients, Duration.ofSeconds(seconds));
            out.printf(
                    java.util.Locale.ROOT,
                    "dns: %d endpoints, %d clients, %d s: %.0f queries/s, p50 %.0f us, p99 %.0f us, %d of %d"
                            + " queries failed%n",
                    endpoints,
                    clients,
                    seconds,
                    r.queriesPerSecond(),
                    r.p50Micros(),
                    r.p99Micros(),
                    r.failures(),
                    r.queries());
            out.flush();
            return r.failures() == 0 ? 0 : 1;
        }
    }

    @Command(
            name = "density",
            description = "Starts instances one after another on this machine with one driver and reports start latency"
                    + " of the 1st, 100th and 1000th, and memory per instance. Stops before available memory drops"
                    + " under 2 GiB; removes everything it started.",
            footerHeading = "%nExample:%n",
            footer = "  atoll bench density --driver oci --count 1000")
    static final class Density implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--driver",
                description = "process, oci or microvm (default: ${DEFAULT-VALUE})",
                defaultValue = "process")
        String driver;

        @Option(
                names = "--count",
                description = "How many instances at most (default: ${DEFAULT-VALUE})",
                defaultValue = "100")
        int count;

        @Override
        public Integer call() throws Exception {
            checkRange(spec, "--count", count, 1, 10_000);
            var kind = dev.atoll.model.spec.DriverKind.fromWireName(driver)
                    .orElseThrow(() -> new ParameterException(
                            spec.commandLine(),
                            "--driver: '" + driver + "' is not a driver; give process, oci or microvm"));
            PrintWriter out = spec.commandLine().getOut();
            java.nio.file.Path work = java.nio.file.Files.createTempDirectory("atoll-density-");
            try {
                var r = DensityBenchmark.run(kind, count, work, out);
                var starts = r.starts();
                // One start is noisy on a shared machine: around the Nth is the median of the ten
                // starts up to it. The very first also pays for class loading and JIT.
                java.util.function.IntFunction<Duration> around =
                        n -> Stats.median(starts.subList(Math.max(0, n - 10), n));
                java.util.function.IntFunction<String> at = n -> starts.size() >= n
                        ? String.format(
                                java.util.Locale.ROOT,
                                "%.1f ms",
                                around.apply(n).toNanos() / 1e6)
                        : "-";
                String first = starts.isEmpty()
                        ? "-"
                        : String.format(
                                java.util.Locale.ROOT,
                                "%.1f ms",
                                starts.getFirst().toNanos() / 1e6);
                double earlyMedian = starts.isEmpty()
                        ? 0
                        : around.apply(Math.min(10, starts.size())).toNanos();
                double lateMedian =
                        starts.isEmpty() ? 0 : around.apply(starts.size()).toNanos();
                out.printf(
                        "%s: %d instances started%s; start latency of the 1st %s, around the 10th %s, 100th %s, 1000th"
                                + " %s (median of the 10 starts up to it); last/first %.2f (last 10 / first 10, the 1st"
                                + " alone pays for warm-up) (goal <= 1.5 for process and oci; anchors: LightVM ~4 ms at"
                                + " the 1000th VM, LXC 3.5 s at the 10000th)%n",
                        kind.wireName(),
                        starts.size(),
                        r.stoppedAtFloor() ? " (stopped at the memory floor)" : "",
                        first,
                        at.apply(10),
                        at.apply(100),
                        at.apply(1000),
                        lateMedian / Math.max(1, earlyMedian));
                long per = r.bytesPerInstance();
                out.printf(
                        "memory: %d MiB available before, %d MiB after; %.1f MiB per instance; about %s instances until"
                                + " memory is exhausted%n",
                        r.availableBefore() >> 20,
                        r.availableAfter() >> 20,
                        per / 1048576.0,
                        per == 0
                                ? "unbounded (no measurable memory per instance)"
                                : String.valueOf(r.availableBefore() / per));
            } finally {
                dev.atoll.cli.DataDirs.deleteQuietly(work);
            }
            return 0;
        }
    }

    @Command(
            name = "deploy",
            description =
                    "Deploys 9 HTTP-server replicas over 3 sites on a fresh embedded cloud until all are healthy.",
            footerHeading = "%nExample:%n",
            footer = "  atoll bench deploy --runs 5")
    static final class Deploy implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--runs", description = "How many deploys (default: ${DEFAULT-VALUE})", defaultValue = "5")
        int runs;

        @Override
        public Integer call() throws Exception {
            checkRange(spec, "--runs", runs, 1, 100);
            PrintWriter out = spec.commandLine().getOut();
            List<Duration> times = DeployBenchmark.run(runs, out);
            Duration median = Stats.median(times);
            out.printf(
                    "deploy 9 replicas over 3 sites to all healthy: median %d ms of %d runs (min %d, max %d); goal < 3000 ms;"
                            + " anchor %d s -> %.0fx faster%n",
                    median.toMillis(),
                    times.size(),
                    times.stream().mapToLong(Duration::toMillis).min().orElse(0),
                    times.stream().mapToLong(Duration::toMillis).max().orElse(0),
                    DeployBenchmark.ANCHOR.toSeconds(),
                    (double) DeployBenchmark.ANCHOR.toMillis() / Math.max(1, median.toMillis()));
            return 0;
        }
    }

    @Command(
            name = "restart",
            description = "Kills instances on a node agent from outside (SIGKILL) and times until each runs again.",
            footerHeading = "%nExample:%n",
            footer = "  atoll bench restart --count 20")
    static final class Restart implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--count", description = "How many kills (default: ${DEFAULT-VALUE})", defaultValue = "20")
        int count;

        @Override
        public Integer call() throws Exception {
            checkRange(spec, "--count", count, 1, 500);
            PrintWriter out = spec.commandLine().getOut();
            var dir = java.nio.file.Files.createTempDirectory("atoll-bench-restart");
            var figures = dev.atoll.agent.RestartLatency.measure(count, dir);
            out.println(figures.describe() + "; goal < 2000 ms");
            return 0;
        }
    }

    @Command(
            name = "node-failure",
            description =
                    "Crashes a node running a replica and times detection and the replica running again elsewhere.",
            footerHeading = "%nExample:%n",
            footer = "  atoll bench node-failure --runs 3")
    static final class NodeFailure implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--runs",
                description = "How many crashes, each on a fresh cloud (default: ${DEFAULT-VALUE})",
                defaultValue = "3")
        int runs;

        @Override
        public Integer call() throws Exception {
            checkRange(spec, "--runs", runs, 1, 50);
            PrintWriter out = spec.commandLine().getOut();
            var results = NodeFailureBenchmark.run(runs, out);
            Duration detected = Stats.median(
                    results.stream().map(NodeFailureBenchmark.Run::detected).toList());
            Duration again = Stats.median(
                    results.stream().map(NodeFailureBenchmark.Run::runningAgain).toList());
            out.printf(
                    "node failure: detected after median %d ms (goal < 2000 ms), replicas running again after median %d ms"
                            + " (goal < 5000 ms); anchors: Kubernetes about 5 min with default settings, Nomad 20-30 s%n",
                    detected.toMillis(), again.toMillis());
            return 0;
        }
    }

    @Command(
            name = "site-failure",
            description =
                    "Loses a whole site under a 6-replica environment and times until all replicas run elsewhere.",
            footerHeading = "%nExample:%n",
            footer = "  atoll bench site-failure --runs 3")
    static final class SiteFailure implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--runs",
                description = "How many losses, each on a fresh cloud (default: ${DEFAULT-VALUE})",
                defaultValue = "3")
        int runs;

        @Override
        public Integer call() throws Exception {
            checkRange(spec, "--runs", runs, 1, 50);
            PrintWriter out = spec.commandLine().getOut();
            Duration median = Stats.median(SiteFailureBenchmark.run(runs, out));
            out.printf(
                    "site failure (embedded cloud, death known at once): all replicas running elsewhere after median %d ms%n",
                    median.toMillis());
            return 0;
        }
    }

    @Command(
            name = "processes",
            description = "The distributed path on this machine: 3 sites x 2 nodes as OS processes on loopback;"
                    + " concurrent deploys sent to all sites at once, a node crash and a site crash.",
            footerHeading = "%nExample:%n",
            footer = "  atoll bench processes --environments 30")
    static final class Processes implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--environments",
                description = "Environments sent at once, spread over the sites (default: ${DEFAULT-VALUE})",
                defaultValue = "30")
        int environments;

        @Option(names = "--replicas", description = "Replicas each (default: ${DEFAULT-VALUE})", defaultValue = "2")
        int replicas;

        @Option(
                names = "--port",
                description = "First API port; the sites use the next two as well (default: ${DEFAULT-VALUE})",
                defaultValue = "7170")
        int port;

        @Override
        public Integer call() throws Exception {
            checkRange(spec, "--environments", environments, 1, 300);
            checkRange(spec, "--replicas", replicas, 1, 10);
            PrintWriter out = spec.commandLine().getOut();
            ProcessesBenchmark.run(environments, replicas, 7300, port, out);
            out.println("anchors: Kubernetes about 5 min to move pods off a failed node with default settings,"
                    + " Nomad 20-30 s");
            return 0;
        }
    }

    @Command(
            name = "gossip",
            description = "N sites gossiping in this JVM: time for a new site to be known by all, and for a crash to"
                    + " be declared dead by all.",
            footerHeading = "%nExample:%n",
            footer = {"  atoll bench gossip --sites 3", "  atoll bench gossip --sites 100"})
    static final class Gossip implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--sites", description = "How many sites (default: ${DEFAULT-VALUE})", defaultValue = "3")
        int sites;

        @Option(
                names = "--joins",
                description = "How many joins to time (default: ${DEFAULT-VALUE})",
                defaultValue = "5")
        int joins;

        @Override
        public Integer call() {
            checkRange(spec, "--sites", sites, 2, 200);
            checkRange(spec, "--joins", joins, 1, 50);
            PrintWriter out = spec.commandLine().getOut();
            var result = dev.atoll.control.gossip.GossipBenchmark.run(
                    sites,
                    joins,
                    dev.atoll.control.gossip.GossipBenchmark.networkFor(sites),
                    sites <= dev.atoll.control.gossip.GossipBenchmark.LAN_TIMINGS_UP_TO
                            ? dev.atoll.control.gossip.GossipTimings.LAN
                            : dev.atoll.control.gossip.GossipBenchmark.ONE_MACHINE,
                    java.time.Clock.systemUTC(),
                    line -> {
                        out.println(line);
                        out.flush();
                    });
            out.print(result.describe());
            out.flush();
            return 0;
        }
    }
}
