package dev.atoll.control.gossip;

import java.time.Clock;

/**
 * Runs {@link GossipBenchmark} from a checkout (control code itself never reads the wall clock).
 * From atoll-control after {@code test-compile}:
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes:$(cat cp.txt) \
 *     dev.atoll.control.gossip.GossipConvergence 100 5 in-jvm
 * </pre>
 *
 * where cp.txt comes from {@code ./mvnw -pl atoll-control dependency:build-classpath
 * -Dmdep.outputFile=cp.txt}. Arguments: the number of sites N (default 3), how many joins to time
 * (default 5), and the network, {@code tcp} or {@code in-jvm} (default: TCP when the file
 * descriptors suffice, see {@link GossipBenchmark#networkFor}).
 */
public final class GossipConvergence {
    private GossipConvergence() {}

    public static void main(String[] args) {
        int sites = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int joins = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        GossipBenchmark.Network network = args.length > 2
                ? (args[2].equals("tcp") ? GossipBenchmark.Network.TCP_LOOPBACK : GossipBenchmark.Network.IN_JVM)
                : GossipBenchmark.networkFor(sites);
        GossipTimings timings =
                sites <= GossipBenchmark.LAN_TIMINGS_UP_TO ? GossipTimings.LAN : GossipBenchmark.ONE_MACHINE;
        System.out.print(GossipBenchmark.run(sites, joins, network, timings, Clock.systemUTC(), System.out::println)
                .describe());
    }
}
