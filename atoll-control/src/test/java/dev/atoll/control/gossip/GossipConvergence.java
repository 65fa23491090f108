package dev.atoll.control.gossip;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark (issue 4, "Figures: gossip"): how long until a newly started site is known by every
 * other site, with N sites gossiping on loopback in this JVM. Also prints how long a crashed site
 * takes to be declared dead by all, and the threads and heap N sites cost.
 *
 * <p>Run from atoll-control after {@code test-compile}:
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes:$(cat cp.txt) \
 *     dev.atoll.control.gossip.GossipConvergence 100 5
 * </pre>
 *
 * where cp.txt comes from {@code ./mvnw -pl atoll-control dependency:build-classpath
 * -Dmdep.outputFile=cp.txt}. Arguments: the number of sites N (default 3), how many joins to time
 * (default 5), and the timings: {@code lan} (default, {@link GossipTimings#LAN}) or {@code crowded}
 * ({@link #CROWDED}, for N near 100).
 */
public final class GossipConvergence {
    private static final String LOOPBACK = "127.0.0.1";

    /**
     * For a hundred sites sharing one JVM on two cores: each site's threads wait their turn for a
     * CPU, so LAN timeouts fire on healthy sites and the cloud churns. Failure detection and
     * metadata fetches get ten times the slack; the gossip rate, which is what a join's spread
     * depends on, stays as in {@link GossipTimings#LAN}.
     */
    static final GossipTimings CROWDED = new GossipTimings(
            Duration.ofMillis(2000),
            Duration.ofMillis(1000),
            2,
            2,
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            GossipTimings.LAN.gossipInterval(),
            GossipTimings.LAN.gossipFanout(),
            GossipTimings.LAN.gossipRepeatMult(),
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            1);

    private static GossipTimings timings = GossipTimings.LAN;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int joins = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        timings = args.length > 2 && args[2].equals("crowded") ? CROWDED : GossipTimings.LAN;
        System.out.printf("N=%d, timings %s%n", n, timings == CROWDED ? "crowded" : "lan");
        ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "rtt-probes");
            t.setDaemon(true);
            return t;
        });
        List<ScalecubeMembership> sites = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            ScalecubeMembership first = start("site-0", List.of(), probes);
            sites.add(first);
            List<String> seeds = List.of(first.address());
            for (int i = 1; i < n - 1; i++) sites.add(start("site-" + i, seeds, probes));
            awaitEveryoneKnows(sites, n - 1, Duration.ofMinutes(3));
            System.out.printf(
                    "%d sites started and converged in %.2f s; threads %d, heap used %d MiB%n",
                    n - 1, (System.nanoTime() - t0) / 1e9, Thread.activeCount(), usedHeapMiB());

            List<Double> joinMs = new ArrayList<>();
            for (int j = 0; j < joins; j++) {
                String name = "newcomer-" + j;
                Map<String, Long> knownAt = new ConcurrentHashMap<>();
                CountDownLatch allKnow = new CountDownLatch(sites.size());
                List<AutoCloseable> subscriptions = new ArrayList<>();
                for (ScalecubeMembership site : sites) {
                    subscriptions.add(site.onChange(event -> {
                        if (event instanceof MembershipEvent.Joined joined
                                && joined.site().equals(name)
                                && knownAt.putIfAbsent(site.self(), System.nanoTime()) == null) {
                            allKnow.countDown();
                        }
                    }));
                }
                long started = System.nanoTime();
                ScalecubeMembership newcomer = start(name, seeds, probes);
                long startReturned = System.nanoTime();
                boolean done = allKnow.await(60, TimeUnit.SECONDS);
                long last = knownAt.values().stream()
                        .mapToLong(Long::longValue)
                        .max()
                        .orElse(started);
                double ms = (last - started) / 1e6;
                System.out.printf(
                        "join %d: known by %d/%d sites after %.0f ms (its start() returned after %.0f ms)%s%n",
                        j,
                        knownAt.size(),
                        sites.size(),
                        ms,
                        (startReturned - started) / 1e6,
                        done ? "" : " INCOMPLETE");
                if (done) joinMs.add(ms);
                for (AutoCloseable s : subscriptions) s.close();
                newcomer.close();
                awaitEveryoneKnows(sites, n - 1, Duration.ofMinutes(1));
            }
            joinMs.sort(null);
            if (!joinMs.isEmpty()) {
                System.out.printf(
                        "N=%d: a new site is known by all others in median %.0f ms, max %.0f ms (%d joins)%n",
                        n, joinMs.get(joinMs.size() / 2), joinMs.get(joinMs.size() - 1), joinMs.size());
            }

            // A crash: the newest site stops answering without leaving.
            ScalecubeMembership victim = start("victim", seeds, probes);
            awaitEveryoneKnows(withVictim(sites, victim), n, Duration.ofMinutes(1));
            CountDownLatch allBuried = new CountDownLatch(sites.size());
            for (ScalecubeMembership site : sites) {
                site.onChange(event -> {
                    if (event instanceof MembershipEvent.Dead dead
                            && dead.site().equals("victim")) allBuried.countDown();
                });
            }
            long crashed = System.nanoTime();
            victim.haltWithoutLeaving();
            boolean buried = allBuried.await(60, TimeUnit.SECONDS);
            System.out.printf(
                    "N=%d: a crashed site is declared dead by all others after %.0f ms%s%n",
                    n, (System.nanoTime() - crashed) / 1e6, buried ? "" : " (TIMED OUT)");
            victim.close();
            System.out.printf("threads %d, heap used %d MiB%n", Thread.activeCount(), usedHeapMiB());
        } finally {
            sites.parallelStream().forEach(ScalecubeMembership::close);
            probes.shutdownNow();
        }
    }

    private static List<ScalecubeMembership> withVictim(List<ScalecubeMembership> sites, ScalecubeMembership victim) {
        var all = new ArrayList<>(sites);
        all.add(victim);
        return all;
    }

    private static ScalecubeMembership start(String name, List<String> seeds, ScheduledExecutorService probes) {
        return ScalecubeMembership.start(
                GossipCloud.aCard(name), LOOPBACK, 0, seeds, timings, Clock.systemUTC(), probes);
    }

    private static void awaitEveryoneKnows(List<ScalecubeMembership> sites, int size, Duration bound)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!sites.stream().allMatch(s -> s.members().size() == size)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("sites did not converge on " + size + " members within " + bound);
            }
            Thread.sleep(20);
        }
    }

    private static long usedHeapMiB() {
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed() >> 20;
    }
}
