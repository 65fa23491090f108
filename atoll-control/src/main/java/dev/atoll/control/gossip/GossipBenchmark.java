package dev.atoll.control.gossip;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.atoll.model.GeoPoint;
import dev.atoll.model.topology.SiteInfo;
import io.scalecube.cluster.transport.api.TransportFactory;
import io.scalecube.transport.netty.tcp.TcpTransportFactory;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Benchmark (issue 4, "Gossip: time for a new site to be known by all sites"): N sites gossip in
 * this JVM; a new site is started several times, and each time the benchmark measures how long
 * until every other site has it as a member with its card. Then one site halts without leaving
 * (a crash) and the benchmark measures how long until every other site has declared it dead.
 *
 * <p>Two networks: {@link Network#TCP_LOOPBACK} is ScaleCube's own TCP transport on 127.0.0.1, as
 * between real sites. It costs every pair of sites two connections, i.e. four file descriptors in
 * one process, so N sites need about 2·N·(N−1) descriptors: 100 sites need 19,800, more than a
 * process may open here (20,000, less what the JVM already holds). {@link Network#IN_JVM} keeps
 * ScaleCube's whole protocol and its message codec but hands the encoded messages over in memory,
 * which is how 100 sites fit one process. {@link #run(int, Clock)} picks TCP when the descriptors
 * suffice.
 *
 * <p>Called by {@code atoll bench gossip --sites N} with {@code Clock.systemUTC()}; from a
 * checkout, the test-scope {@code GossipConvergence} main runs it (see there).
 */
public final class GossipBenchmark {

    /** How the sites of the benchmark reach each other. */
    public enum Network {
        TCP_LOOPBACK,
        IN_JVM
    }

    /**
     * For many sites sharing one JVM on two cores: each site's threads wait their turn for a CPU,
     * so LAN timeouts fire on healthy sites and the cloud churns. Failure detection and metadata
     * fetches get five to ten times the slack; the gossip rate, which is what a join's spread
     * depends on, stays as in {@link GossipTimings#LAN}. The full sync runs every 10 s instead of
     * every second: a site that learns of a change by sync rather than by rumour gossips it again
     * under its own name, so with a hundred sites frequent syncs multiply every rumour by up to a
     * hundred, and the two cores drown in gossip.
     */
    public static final GossipTimings ONE_MACHINE = new GossipTimings(
            Duration.ofMillis(2000),
            Duration.ofMillis(1000),
            2,
            2,
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            GossipTimings.LAN.gossipInterval(),
            GossipTimings.LAN.gossipFanout(),
            GossipTimings.LAN.gossipRepeatMult(),
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            1);

    /** Above this many sites in one JVM, {@link #ONE_MACHINE} timings are used. */
    public static final int LAN_TIMINGS_UP_TO = 10;

    /** Descriptors the JVM holds besides the sites' sockets (jars, epoll sets, stdio), with room. */
    private static final long BASE_FILE_DESCRIPTORS = 400;

    private static final String HOST = "127.0.0.1";

    /** How many sites start together before the benchmark waits for the cloud to settle. */
    private static final int WAVE = 10;

    /**
     * What was measured.
     *
     * @param sites the cloud size N: N−1 sites running, the newcomer makes N
     * @param startedAndConverged how long starting the first N−1 sites took until all knew each other
     * @param knownByAll per join: from starting the newcomer until the last of the others knew it
     *     (empty entries are joins not seen by all within the bound)
     * @param deadForAll from the crash until the last of the others declared the site dead
     * @param threads live threads with N−1 sites running
     * @param openFiles open file descriptors with N−1 sites running (−1 where unknown)
     * @param notes why the network or timings were chosen, and anything incomplete
     */
    public record Result(
            int sites,
            Network network,
            String timings,
            Duration startedAndConverged,
            List<Optional<Duration>> knownByAll,
            Optional<Duration> deadForAll,
            int threads,
            long openFiles,
            List<String> notes) {
        public Result {
            knownByAll = List.copyOf(knownByAll);
            notes = List.copyOf(notes);
        }

        /** The figures as lines a person reads. */
        public String describe() {
            var sb = new StringBuilder();
            sb.append(String.format(
                    "gossip, %d sites in one JVM over %s (%s timings)%n",
                    sites, network == Network.TCP_LOOPBACK ? "TCP on 127.0.0.1" : "in-JVM transport", timings));
            sb.append(String.format(
                    "  %d sites started and converged in %.1f s; %d threads, %s open files%n",
                    sites - 1, seconds(startedAndConverged), threads, openFiles < 0 ? "?" : openFiles));
            List<Double> ms = new ArrayList<>();
            for (Optional<Duration> d : knownByAll) d.ifPresent(x -> ms.add(x.toNanos() / 1e6));
            Collections.sort(ms);
            if (!ms.isEmpty()) {
                sb.append(String.format(
                        "  a new site is known by all %d others: median %.0f ms, min %.0f ms, max %.0f ms (%d of %d joins)%n",
                        sites - 1,
                        ms.get(ms.size() / 2),
                        ms.get(0),
                        ms.get(ms.size() - 1),
                        ms.size(),
                        knownByAll.size()));
            } else {
                sb.append(String.format("  no join was seen by all others (%d tried)%n", knownByAll.size()));
            }
            sb.append(deadForAll
                    .map(d -> String.format(
                            "  a crashed site is declared dead by all others after %.0f ms%n", d.toNanos() / 1e6))
                    .orElse("  a crashed site was not declared dead by all others within the bound\n"));
            for (String note : notes) sb.append("  note: ").append(note).append('\n');
            return sb.toString();
        }

        private static double seconds(Duration d) {
            return d.toNanos() / 1e9;
        }
    }

    private GossipBenchmark() {}

    /**
     * N sites on the best network that fits this process (TCP when the descriptors suffice), five
     * joins, timings by size.
     */
    public static Result run(int sites, Clock clock) {
        return run(
                sites,
                5,
                networkFor(sites),
                sites <= LAN_TIMINGS_UP_TO ? GossipTimings.LAN : ONE_MACHINE,
                clock,
                line -> {});
    }

    /** TCP when N sites' connections fit the descriptors this process may open, else in-JVM. */
    public static Network networkFor(int sites) {
        return sites <= largestTcpCloud() ? Network.TCP_LOOPBACK : Network.IN_JVM;
    }

    /** The most sites whose full mesh of TCP connections fits this process's descriptor limit. */
    public static int largestTcpCloud() {
        long max = maxFileDescriptors();
        if (max < 0) return Integer.MAX_VALUE;
        int n = 1;
        while (tcpDescriptors(n + 1) <= max) n++;
        return n;
    }

    /** Two connections per pair of sites, each two descriptors in one process, plus the JVM's own. */
    static long tcpDescriptors(int sites) {
        return 2L * sites * (sites - 1) + BASE_FILE_DESCRIPTORS;
    }

    /**
     * @param sites the cloud size N, at least 2
     * @param joins how many times a newcomer joins
     * @param network see {@link Network}
     * @param timings the gossip timings every site uses
     * @param clock measures the durations; needs sub-millisecond resolution (Clock.systemUTC())
     * @param progress told what the benchmark is doing, a line at a time
     */
    public static Result run(
            int sites, int joins, Network network, GossipTimings timings, Clock clock, Consumer<String> progress) {
        if (sites < 2) throw new IllegalArgumentException("a cloud of " + sites + " sites has no one to tell");
        List<String> notes = new ArrayList<>();
        if (network == Network.TCP_LOOPBACK && sites > largestTcpCloud()) {
            notes.add(String.format(
                    "TCP needs about %d file descriptors for %d sites, the limit is %d; expect failed connections",
                    tcpDescriptors(sites), sites, maxFileDescriptors()));
        }
        String timingsName =
                timings.equals(GossipTimings.LAN) ? "LAN" : timings.equals(ONE_MACHINE) ? "one-machine" : "custom";
        Duration bound = timings.deadWithin(sites).multipliedBy(4).plus(Duration.ofSeconds(30));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("gossip-bench"));
        ExecutorService starters = Executors.newFixedThreadPool(4, daemon("gossip-bench-start"));
        ExecutorService wire = Executors.newFixedThreadPool(2, daemon("gossip-bench-wire"));
        Supplier<TransportFactory> transport =
                network == Network.TCP_LOOPBACK ? TcpTransportFactory::new : new InMemoryNetwork(wire)::factory;
        List<ScalecubeMembership> running = Collections.synchronizedList(new ArrayList<>());
        try {
            Instant t0 = clock.instant();
            ScalecubeMembership seed = start("site-0", List.of(), timings, clock, scheduler, transport);
            running.add(seed);
            List<String> seeds = List.of(seed.address());
            // In waves: a hundred joins at once start a storm of rumours and metadata fetches that
            // two cores cannot serve within the failure detector's timeouts, and the cloud churns.
            for (int first = 1; first < sites - 1; first += WAVE) {
                List<CompletableFuture<Void>> starting = new ArrayList<>();
                for (int i = first; i < Math.min(first + WAVE, sites - 1); i++) {
                    String name = "site-" + i;
                    starting.add(CompletableFuture.runAsync(
                            () -> running.add(start(name, seeds, timings, clock, scheduler, transport)), starters));
                }
                CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new))
                        .join();
                List<ScalecubeMembership> wave = List.copyOf(running);
                awaitMembers(wave, wave.size(), scheduler, bound);
                progress.accept(String.format(
                        "%d sites running and converged after %.1f s",
                        wave.size(), Duration.between(t0, clock.instant()).toNanos() / 1e9));
            }
            List<ScalecubeMembership> cloud = List.copyOf(running);
            awaitMembers(cloud, sites - 1, scheduler, bound);
            Duration converged = Duration.between(t0, clock.instant());
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            long files = openFileDescriptors();

            List<Optional<Duration>> known = new ArrayList<>();
            for (int j = 0; j < joins; j++) {
                known.add(timeJoin("newcomer-" + j, cloud, seeds, timings, clock, scheduler, transport, bound));
                progress.accept("join " + j + ": "
                        + known.getLast()
                                .map(d -> "known by all after " + d.toMillis() + " ms")
                                .orElse("not known by all"));
                awaitMembers(cloud, sites - 1, scheduler, bound);
            }
            Optional<Duration> dead = timeCrash(cloud, seeds, timings, clock, scheduler, transport, bound);
            progress.accept("crash: "
                    + dead.map(d -> "dead for all after " + d.toMillis() + " ms")
                            .orElse("not dead for all"));
            return new Result(sites, network, timingsName, converged, known, dead, threads, files, notes);
        } finally {
            running.forEach(ScalecubeMembership::closeWithoutWaiting);
            starters.shutdownNow();
            scheduler.shutdownNow();
            wire.shutdownNow();
        }
    }

    private static Optional<Duration> timeJoin(
            String name,
            List<ScalecubeMembership> cloud,
            List<String> seeds,
            GossipTimings timings,
            Clock clock,
            ScheduledExecutorService scheduler,
            Supplier<TransportFactory> transport,
            Duration bound) {
        Map<String, Instant> knownAt = new ConcurrentHashMap<>();
        CountDownLatch allKnow = new CountDownLatch(cloud.size());
        List<AutoCloseable> subscriptions = new ArrayList<>();
        for (ScalecubeMembership site : cloud) {
            subscriptions.add(site.onChange(event -> {
                if (event instanceof MembershipEvent.Joined joined
                        && joined.site().equals(name)
                        && knownAt.putIfAbsent(site.self(), clock.instant()) == null) {
                    allKnow.countDown();
                }
            }));
        }
        Instant started = clock.instant();
        ScalecubeMembership newcomer = start(name, seeds, timings, clock, scheduler, transport);
        try {
            boolean all = allKnow.await(bound.toMillis(), TimeUnit.MILLISECONDS);
            if (!all) return Optional.empty();
            Instant last = Collections.max(knownAt.values());
            return Optional.of(Duration.between(started, last));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            subscriptions.forEach(GossipBenchmark::closeQuietly);
            closeQuietly(newcomer);
        }
    }

    private static Optional<Duration> timeCrash(
            List<ScalecubeMembership> cloud,
            List<String> seeds,
            GossipTimings timings,
            Clock clock,
            ScheduledExecutorService scheduler,
            Supplier<TransportFactory> transport,
            Duration bound) {
        ScalecubeMembership victim = start("victim", seeds, timings, clock, scheduler, transport);
        try {
            List<ScalecubeMembership> withVictim = new ArrayList<>(cloud);
            withVictim.add(victim);
            awaitMembers(withVictim, cloud.size() + 1, scheduler, bound);
            Map<String, Instant> deadAt = new ConcurrentHashMap<>();
            CountDownLatch allBuried = new CountDownLatch(cloud.size());
            List<AutoCloseable> subscriptions = new ArrayList<>();
            for (ScalecubeMembership site : cloud) {
                subscriptions.add(site.onChange(event -> {
                    if (event instanceof MembershipEvent.Dead dead
                            && dead.site().equals("victim")
                            && deadAt.putIfAbsent(site.self(), clock.instant()) == null) {
                        allBuried.countDown();
                    }
                }));
            }
            Instant crashed = clock.instant();
            victim.haltWithoutLeaving();
            boolean all = allBuried.await(bound.toMillis(), TimeUnit.MILLISECONDS);
            subscriptions.forEach(GossipBenchmark::closeQuietly);
            return all ? Optional.of(Duration.between(crashed, Collections.max(deadAt.values()))) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            closeQuietly(victim);
        }
    }

    private static ScalecubeMembership start(
            String name,
            List<String> seeds,
            GossipTimings timings,
            Clock clock,
            ScheduledExecutorService scheduler,
            Supplier<TransportFactory> transport) {
        return ScalecubeMembership.start(aCard(name), HOST, 0, seeds, timings, clock, scheduler, transport);
    }

    static SiteCard aCard(String site) {
        var info = new SiteInfo(site, new GeoPoint(51.5, -0.1), "GB", "UK", Set.of());
        var nodes = new SiteCard.NodeClass(4000, 8L << 30, 16, Set.of("process"), Set.of());
        return new SiteCard(
                site,
                info,
                "http://" + HOST + ":7070",
                List.of(HOST + ":7071"),
                List.of(new SiteCard.FreeNodes(nodes, 2)),
                0,
                SiteCard.HEALTHY,
                "bench",
                1);
    }

    /** Waits, without sleeping, until every site has exactly {@code size} members (itself included). */
    private static void awaitMembers(
            List<ScalecubeMembership> sites, int size, ScheduledExecutorService scheduler, Duration bound) {
        var done = new CompletableFuture<Void>();
        ScheduledFuture<?> check = scheduler.scheduleWithFixedDelay(
                () -> {
                    if (sites.stream().allMatch(s -> s.members().size() == size)) done.complete(null);
                },
                0,
                20,
                TimeUnit.MILLISECONDS);
        try {
            done.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            long behind = sites.stream().filter(s -> s.members().size() != size).count();
            throw new IllegalStateException(
                    behind + " of " + sites.size() + " sites did not see " + size + " members within " + bound);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            check.cancel(false);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // A site that takes long to leave does not change the figures already taken.
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            var t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static long maxFileDescriptors() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount()
                : -1;
    }

    private static long openFileDescriptors() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getOpenFileDescriptorCount()
                : -1;
    }
}
