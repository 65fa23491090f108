package dev.atoll.net.dns;

import dev.atoll.net.ipam.NetworkAddressing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A load loop for a DNS server: {@code clients} threads, each with its own UDP socket, send an A
 * query, wait for its reply, and send the next, until {@code duration} is over. One query in flight
 * per client, so the figure is what that many busy resolvers get, not a flood.
 */
public final class DnsLoad {
    /** A query not answered within this is a failure. */
    public static final Duration QUERY_TIMEOUT = Duration.ofSeconds(1);
    /** Latencies are counted in 1 µs buckets up to this; slower answers share the last bucket. */
    private static final int LATENCY_BUCKETS_MICROS = 100_000;

    public static final String BENCH_TENANT = "bench";
    public static final String BENCH_ENVIRONMENT = "load";
    private static final int BENCH_REPLICAS_PER_SERVICE = 10;
    private static final List<String> BENCH_SITES = List.of("site-a", "site-b", "site-c", "site-d");

    private DnsLoad() {}

    /**
     * {@code queries}: queries finished (answered or failed); {@code failures}: those not answered
     * NOERROR with at least one record within {@link #QUERY_TIMEOUT}; {@code queriesPerSecond}:
     * successful answers per second of the run; latencies of successful answers.
     */
    public record Result(long queries, long failures, double queriesPerSecond, double p50Micros, double p99Micros) {}

    public static Result run(InetSocketAddress server, String name, int clients, Duration duration) {
        if (clients < 1) throw new IllegalArgumentException("at least one client, not " + clients);
        byte[] query = queryFor(name);
        List<Client> loops = new ArrayList<>();
        for (int i = 0; i < clients; i++) loops.add(new Client(server, query.clone(), i));
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (Client loop : loops) {
            threads.add(
                    Thread.ofPlatform().name("atoll-dns-load-" + loop.number).start(() -> {
                        ready.countDown();
                        try {
                            go.await();
                            loop.run(deadline[0]);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
        }
        try {
            ready.await();
            long start = System.nanoTime();
            deadline[0] = start + duration.toNanos();
            go.countDown();
            for (Thread thread : threads) thread.join();
            long elapsedNanos = System.nanoTime() - start;
            return summarize(loops, elapsedNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.forEach(Thread::interrupt);
            throw new IllegalStateException("DNS load run interrupted", e);
        }
    }

    /**
     * Starts a server on loopback with {@link #benchTable} of {@code endpoints} replicas, runs the
     * load against the first service's name and stops the server.
     */
    public static Result runLocal(int endpoints, int clients, Duration duration) throws IOException {
        NameTable table = benchTable(endpoints);
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (DnsServer server = DnsServer.start(bind, client -> Optional.of(BENCH_TENANT), () -> table)) {
            return run(server.address(), benchName(0), clients, duration);
        }
    }

    /**
     * A table of tenant {@link #BENCH_TENANT}: {@code endpoints} healthy replicas, ten per service,
     * spread over four sites, each with an address from the default pool and an {@code http} port.
     */
    public static NameTable benchTable(int endpoints) {
        List<DnsEndpoint> all = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            all.add(new DnsEndpoint(
                    BENCH_TENANT,
                    BENCH_ENVIRONMENT,
                    "svc-" + (i / BENCH_REPLICAS_PER_SERVICE),
                    i % BENCH_REPLICAS_PER_SERVICE,
                    NetworkAddressing.DEFAULT_POOL.addressAt(1 + i),
                    Map.of("http", 8080),
                    BENCH_SITES.get(i % BENCH_SITES.size()),
                    true));
        }
        return NameTable.of(all, BENCH_SITES.get(0), site -> 1_000L * BENCH_SITES.indexOf(site));
    }

    /** The name of the {@code service}-th service of {@link #benchTable}. */
    public static String benchName(int service) {
        return "svc-" + service + "." + BENCH_ENVIRONMENT + "." + BENCH_TENANT + ".atoll";
    }

    private static byte[] queryFor(String name) {
        try {
            Name asked = Name.fromString(name, Name.root);
            return Message.newQuery(Record.newRecord(asked, Type.A, DClass.IN)).toWire();
        } catch (TextParseException e) {
            throw new IllegalArgumentException(name + " is not a DNS name", e);
        }
    }

    private static Result summarize(List<Client> loops, long elapsedNanos) {
        long queries = 0;
        long failures = 0;
        long[] latencies = new long[LATENCY_BUCKETS_MICROS + 1];
        for (Client loop : loops) {
            queries += loop.queries;
            failures += loop.failures;
            for (int i = 0; i < latencies.length; i++) latencies[i] += loop.latencyMicros[i];
        }
        long answered = queries - failures;
        double seconds = elapsedNanos / 1e9;
        return new Result(
                queries,
                failures,
                seconds > 0 ? answered / seconds : 0,
                percentile(latencies, answered, 0.50),
                percentile(latencies, answered, 0.99));
    }

    private static double percentile(long[] buckets, long count, double fraction) {
        if (count == 0) return 0;
        long rank = (long) Math.ceil(fraction * count);
        long seen = 0;
        for (int micros = 0; micros < buckets.length; micros++) {
            seen += buckets[micros];
            if (seen >= rank) return micros;
        }
        return buckets.length - 1;
    }

    /** One client's loop; its buffers and counters are its own, read after its thread ends. */
    private static final class Client {
        private final InetSocketAddress server;
        private final byte[] query;
        private final int number;
        private final long[] latencyMicros = new long[LATENCY_BUCKETS_MICROS + 1];
        private long queries;
        private long failures;

        Client(InetSocketAddress server, byte[] query, int number) {
            this.server = server;
            this.query = query;
            this.number = number;
        }

        void run(long deadlineNanos) {
            byte[] reply = new byte[QueryAnswerer.UDP_PAYLOAD_MAX];
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.connect(server);
                DatagramPacket out = new DatagramPacket(query, query.length);
                DatagramPacket in = new DatagramPacket(reply, reply.length);
                int id = number << 12;
                while (System.nanoTime() < deadlineNanos) {
                    id = (id + 1) & 0xffff;
                    query[0] = (byte) (id >>> 8);
                    query[1] = (byte) id;
                    long sent = System.nanoTime();
                    socket.send(out);
                    if (awaitAnswer(socket, in, id, sent + QUERY_TIMEOUT.toNanos())) {
                        long micros = (System.nanoTime() - sent) / 1_000;
                        latencyMicros[(int) Math.min(micros, LATENCY_BUCKETS_MICROS)]++;
                    } else {
                        failures++;
                    }
                    queries++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("DNS load client " + number + " failed", e);
            }
        }

        /**
         * Reads replies until the one for {@code id}; a late reply to an earlier, timed-out query is
         * skipped. Only the header is read (id, QR, rcode, answer count): parsing the whole reply
         * would load this machine more than the server we measure.
         */
        private static boolean awaitAnswer(DatagramSocket socket, DatagramPacket in, int id, long giveUpNanos)
                throws IOException {
            byte[] reply = in.getData();
            while (true) {
                long leftMillis = Math.max(1, (giveUpNanos - System.nanoTime()) / 1_000_000);
                if (System.nanoTime() >= giveUpNanos) return false;
                socket.setSoTimeout((int) leftMillis);
                in.setLength(reply.length);
                try {
                    socket.receive(in);
                } catch (SocketTimeoutException e) {
                    return false;
                }
                if (in.getLength() < 12) continue;
                int replyId = ((reply[0] & 0xff) << 8) | (reply[1] & 0xff);
                if (replyId != id) continue;
                boolean isResponse = (reply[2] & 0x80) != 0;
                int rcode = reply[3] & 0x0f;
                int answers = ((reply[6] & 0xff) << 8) | (reply[7] & 0xff);
                return isResponse && rcode == 0 && answers > 0;
            }
        }
    }
}
