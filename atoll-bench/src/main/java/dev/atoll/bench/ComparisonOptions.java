package dev.atoll.bench;

import dev.atoll.bench.instance.InstanceShape;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The command line of {@link PeerComparison}, parsed. A bad flag is a value ({@link Parsed.Invalid})
 * naming the flag and the reason, not an exception.
 *
 * @param main the instance Atoll and CloudSim Plus place (100,000 / 5,000 / 100 by default)
 * @param btrplaceSlice the smaller instance BtrPlace gets (and Atoll, for the ratio)
 * @param timefoldSlice the smaller instance Timefold gets (and Atoll, for the ratio)
 * @param atollRuns measured passes of Atoll on each instance (the median is reported)
 * @param cloudsimSeconds the wall-time budget of each CloudSim Plus run
 * @param btrplaceSeconds BtrPlace's time limit
 * @param timefoldSeconds Timefold's time limit; it also stops after a fifth of it without improving
 */
record ComparisonOptions(
        InstanceShape main,
        InstanceShape btrplaceSlice,
        InstanceShape timefoldSlice,
        Set<Peer> peers,
        int atollRuns,
        int cloudsimSeconds,
        int btrplaceSeconds,
        int timefoldSeconds,
        boolean quick) {

    enum Peer {
        CLOUDSIM,
        BTRPLACE,
        TIMEFOLD
    }

    sealed interface Parsed {
        record Ok(ComparisonOptions options) implements Parsed {}

        record Help() implements Parsed {}

        record Invalid(String message) implements Parsed {}
    }

    static final String USAGE = """
            Usage: atoll bench placement [--instances N] [--nodes N] [--sites N] [--seed N] [--load X]
                                         [--peers cloudsim,btrplace,timefold|none] [--runs N]
                                         [--cloudsim-seconds N] [--btrplace-seconds N]
                                         [--timefold-seconds N] [--quick]

            Places one generated instance with Atoll's placement engine and with peer systems, judges
            every placement with the same independent checker, and prints time, hard-constraint
            violations and quality side by side, as ratios to Atoll.

              --instances N         instances to place (default 100000; --quick 10000)
              --nodes N             nodes (default 5000; --quick 500)
              --sites N             sites in real cities (default 100; --quick 20)
              --seed N              seed of the generated instance (default 1)
              --load X              share of the cloud's cpu the instances ask for (default 0.6)
              --peers LIST          peers to run, comma-separated (default cloudsim,btrplace,timefold)
              --runs N              measured passes of Atoll, median reported (default 3; --quick 1)
              --cloudsim-seconds N  budget of each CloudSim Plus run; past it the rest is unplaced
                                    (default 120; --quick 30)
              --btrplace-seconds N  BtrPlace's time limit (default 60; --quick 20)
              --timefold-seconds N  Timefold's time limit (default 10; --quick 5)
              --quick               a smaller instance and shorter limits, for a first look
            BtrPlace runs on a slice of 5,000 instances / 500 nodes / 10 sites (--quick: 1,000 / 100 / 5)
            and Timefold on 1,000 / 100 / 10 (--quick: 300 / 30 / 5), capped by the main instance;
            Atoll and CloudSim Plus first fit place each slice too, for the ratios.
            """;

    static Parsed parse(String... args) {
        boolean quick = List.of(args).contains("--quick");
        Integer instances = null;
        Integer nodes = null;
        Integer sites = null;
        long seed = 1;
        double load = InstanceShape.DEFAULT_CPU_LOAD;
        Set<Peer> peers = EnumSet.allOf(Peer.class);
        int runs = quick ? 1 : 3;
        int cloudsimSeconds = quick ? 30 : 120;
        int btrplaceSeconds = quick ? 20 : 60;
        int timefoldSeconds = quick ? 5 : 10;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--quick")) continue;
            if (flag.equals("--help") || flag.equals("-h")) return new Parsed.Help();
            if (!List.of(
                            "--instances",
                            "--nodes",
                            "--sites",
                            "--seed",
                            "--load",
                            "--peers",
                            "--runs",
                            "--cloudsim-seconds",
                            "--btrplace-seconds",
                            "--timefold-seconds")
                    .contains(flag)) {
                return new Parsed.Invalid("unknown option " + flag + " (see --help)");
            }
            if (i + 1 >= args.length) return new Parsed.Invalid(flag + ": a value is missing");
            String value = args[++i];
            try {
                switch (flag) {
                    case "--instances" -> instances = positive(flag, value);
                    case "--nodes" -> nodes = positive(flag, value);
                    case "--sites" -> sites = positive(flag, value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--load" -> load = load(value);
                    case "--runs" -> runs = inRange(flag, value, 1, 100);
                    case "--cloudsim-seconds" -> cloudsimSeconds = inRange(flag, value, 1, 36_000);
                    case "--btrplace-seconds" -> btrplaceSeconds = inRange(flag, value, 1, 3600);
                    case "--timefold-seconds" -> timefoldSeconds = inRange(flag, value, 1, 3600);
                    case "--peers" -> peers = peers(value);
                    default -> throw new IllegalStateException(flag);
                }
            } catch (NumberFormatException e) {
                return new Parsed.Invalid(flag + ": not a whole number: " + value);
            } catch (IllegalArgumentException e) {
                return new Parsed.Invalid(e.getMessage());
            }
        }
        int n = instances != null ? instances : quick ? 10_000 : 100_000;
        int m = nodes != null ? nodes : quick ? 500 : 5_000;
        int s = sites != null ? sites : quick ? 20 : 100;
        try {
            InstanceShape main = new InstanceShape(n, m, s, seed, load);
            InstanceShape btrplace = quick ? slice(main, 1_000, 100, 5) : slice(main, 5_000, 500, 10);
            InstanceShape timefold = quick ? slice(main, 300, 30, 5) : slice(main, 1_000, 100, 10);
            return new Parsed.Ok(new ComparisonOptions(
                    main, btrplace, timefold, peers, runs, cloudsimSeconds, btrplaceSeconds, timefoldSeconds, quick));
        } catch (IllegalArgumentException e) {
            return new Parsed.Invalid("--instances/--nodes/--sites/--load: " + e.getMessage());
        }
    }

    /** A smaller instance of the same kind, never bigger than the main one. */
    private static InstanceShape slice(InstanceShape main, int instances, int nodes, int sites) {
        int s = Math.min(sites, main.sites());
        return new InstanceShape(
                Math.min(instances, main.instances()),
                Math.max(s, Math.min(nodes, main.nodes())),
                s,
                main.seed(),
                main.cpuLoad());
    }

    private static double load(String value) {
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--load: not a number: " + value);
        }
        if (!(v >= 0.05 && v <= 1.0))
            throw new IllegalArgumentException("--load: must be between 0.05 and 1, got " + value);
        return v;
    }

    private static int positive(String flag, String value) {
        return inRange(flag, value, 1, Integer.MAX_VALUE);
    }

    private static int inRange(String flag, String value, int min, int max) {
        int v = Integer.parseInt(value);
        if (v < min || v > max) {
            throw new IllegalArgumentException(flag + ": must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    private static Set<Peer> peers(String value) {
        Set<Peer> peers = EnumSet.noneOf(Peer.class);
        if (value.equals("none")) return peers;
        List<String> unknown = new ArrayList<>();
        for (String name : value.split(",")) {
            String n = name.trim().toUpperCase(Locale.ROOT);
            try {
                peers.add(Peer.valueOf(n));
            } catch (IllegalArgumentException e) {
                unknown.add(name.trim());
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("--peers: unknown peer " + String.join(", ", unknown)
                    + " (known: cloudsim, btrplace, timefold, or none)");
        }
        return peers;
    }
}
