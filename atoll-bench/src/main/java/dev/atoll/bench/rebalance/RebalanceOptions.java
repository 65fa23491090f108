package dev.atoll.bench.rebalance;

import dev.atoll.bench.instance.InstanceShape;
import java.util.List;

/**
 * The command line of {@link RebalanceComparison}, parsed. A bad flag is a value ({@link
 * Parsed.Invalid}) naming the flag and the reason.
 *
 * @param centralMoves moves Timefold evaluates per central solve
 */
public record RebalanceOptions(InstanceShape shape, int centralMoves) {
    public sealed interface Parsed {
        record Ok(RebalanceOptions options) implements Parsed {}

        record Help() implements Parsed {}

        record Invalid(String message) implements Parsed {}
    }

    public static final String USAGE = """
            Usage: atoll bench rebalance [--instances N] [--nodes N] [--sites N] [--seed N]
                                         [--central-moves N] [--quick]

            Places one generated cloud with Atoll's placement, then plays three scenarios on simulated
            time (a hot spot, a drain of two nodes, users moving to other sites) under three
            strategies (doing nothing, DVMS neighbour scheduling, a central Timefold solve over the
            whole cloud), checking every hard constraint after every step, and prints the time to
            resolve, the moves made and the user latency side by side.

              --instances N       instances (default 1000; --quick 300)
              --nodes N           nodes (default 60; --quick 20)
              --sites N           sites in real cities (default 8; --quick 4)
              --seed N            seed of the generated cloud and of every decision (default 1)
              --central-moves N   moves Timefold evaluates per solve (default 100000; --quick 20000)
              --quick             a smaller cloud, for a first look in seconds
            Example: atoll bench rebalance --quick --seed 7
            """;

    public static Parsed parse(String... args) {
        boolean quick = List.of(args).contains("--quick");
        int instances = quick ? 300 : 1_000;
        int nodes = quick ? 20 : 60;
        int sites = quick ? 4 : 8;
        int centralMoves = quick ? 20_000 : 100_000;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--quick")) continue;
            if (flag.equals("--help") || flag.equals("-h")) return new Parsed.Help();
            if (!List.of("--instances", "--nodes", "--sites", "--seed", "--central-moves")
                    .contains(flag)) return new Parsed.Invalid("unknown option " + flag + " (see --help)");
            if (i + 1 >= args.length) return new Parsed.Invalid(flag + ": a value is missing");
            String value = args[++i];
            try {
                switch (flag) {
                    case "--instances" -> instances = inRange(flag, value, 1, 100_000);
                    case "--nodes" -> nodes = inRange(flag, value, 1, 10_000);
                    case "--sites" -> sites = inRange(flag, value, 1, 1_000);
                    case "--central-moves" -> centralMoves = inRange(flag, value, 1, 100_000_000);
                    case "--seed" -> seed = Long.parseLong(value);
                    default -> throw new IllegalStateException(flag);
                }
            } catch (NumberFormatException e) {
                return new Parsed.Invalid(flag + ": not a whole number: " + value);
            } catch (IllegalArgumentException e) {
                return new Parsed.Invalid(e.getMessage());
            }
        }
        try {
            return new Parsed.Ok(new RebalanceOptions(new InstanceShape(instances, nodes, sites, seed), centralMoves));
        } catch (IllegalArgumentException e) {
            return new Parsed.Invalid("--instances/--nodes/--sites: " + e.getMessage());
        }
    }

    private static int inRange(String flag, String value, int min, int max) {
        int n = Integer.parseInt(value);
        if (n < min || n > max)
            throw new IllegalArgumentException(flag + ": must be between " + min + " and " + max + ", got " + n);
        return n;
    }
}
