package dev.atoll.control.network;

import dev.atoll.model.network.NetworkMember;
import dev.atoll.model.spec.Expose;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A site's way in from outside: every port a service publishes ({@code expose}) is listened on at the
 * site's ingress address, wherever the service has a replica in this site. Each connection goes to a
 * healthy replica here (in turn), else to one at the nearest other site, and is relayed byte for
 * byte. Only replicas of the publishing service are ever chosen, so one tenant's published port
 * never leads to another tenant's instances.
 */
public final class Ingress implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ingress.class);
    private static final Duration SYNC_PERIOD = Duration.ofMillis(300);
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int MAX_TRIES = 3;
    private static final int BUFFER_BYTES = 16 * 1024;

    /** What a public port leads to. */
    public record Route(String tenant, String environment, String service, String port) {}

    private final String site;
    private final InetAddress bind;
    private final Supplier<List<NetworkMember>> members;
    private final Supplier<Map<String, Long>> rttMicros;
    private final Map<Integer, Listener> listeners = new ConcurrentHashMap<>();
    private final AtomicLong turn = new AtomicLong();
    private volatile java.util.concurrent.ScheduledFuture<?> syncing;
    private volatile boolean closed;

    public Ingress(
            String site,
            InetAddress bind,
            Supplier<List<NetworkMember>> members,
            Supplier<Map<String, Long>> rttMicros) {
        this.site = site;
        this.bind = bind;
        this.members = members;
        this.rttMicros = rttMicros;
    }

    /** Follows the members on {@code scheduler}, every {@link #SYNC_PERIOD}, until closed. */
    public Ingress start(java.util.concurrent.ScheduledExecutorService scheduler) {
        syncing = scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        if (!closed) sync();
                    } catch (RuntimeException e) {
                        log.warn("site {}: ingress sync failed", site, e);
                    }
                },
                0,
                SYNC_PERIOD.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
        return this;
    }

    /** The public ports listened on now, with what each leads to. */
    public Map<Integer, Route> routes() {
        Map<Integer, Route> routes = new HashMap<>();
        listeners.forEach((port, l) -> routes.put(port, l.route));
        return routes;
    }

    /** Opens a listener for every route a replica here publishes and closes those no replica here publishes any more. */
    void sync() {
        Map<Integer, Route> wanted = new HashMap<>();
        for (NetworkMember m : members.get()) {
            if (!m.site().equals(site)) continue;
            for (Expose e : m.expose()) {
                var route = new Route(m.id().tenant(), m.id().environment(), m.id().service(), e.port());
                Route first = wanted.putIfAbsent(e.publicPort(), route);
                if (first != null && !first.equals(route)) {
                    log.warn(
                            "site {}: public port {} is published by {} and by {}; {} keeps it",
                            site,
                            e.publicPort(),
                            first,
                            route,
                            first);
                }
            }
        }
        for (var entry : Map.copyOf(listeners).entrySet()) {
            if (!entry.getValue().route.equals(wanted.get(entry.getKey()))) {
                listeners.remove(entry.getKey()).close();
            }
        }
        for (var entry : wanted.entrySet()) {
            if (listeners.containsKey(entry.getKey())) continue;
            try {
                listeners.put(entry.getKey(), new Listener(entry.getKey(), entry.getValue()));
            } catch (IOException e) {
                log.warn(
                        "site {}: cannot listen on {}:{} for {}: {}",
                        site,
                        bind.getHostAddress(),
                        entry.getKey(),
                        entry.getValue(),
                        e.getMessage());
            }
        }
    }

    /**
     * Where a connection for {@code route} may go, best first: healthy replicas of this site (starting
     * at a different one each time, to share the load), then those of other sites by round trip.
     */
    List<InetSocketAddress> backends(Route route) {
        List<NetworkMember> local = new ArrayList<>();
        List<NetworkMember> remote = new ArrayList<>();
        for (NetworkMember m : members.get()) {
            if (!m.healthy() || !m.id().tenant().equals(route.tenant())) continue;
            if (!m.id().environment().equals(route.environment())
                    || !m.id().service().equals(route.service())) continue;
            if (!m.ports().containsKey(route.port())) continue;
            (m.site().equals(site) ? local : remote).add(m);
        }
        if (!local.isEmpty()) {
            int start = (int) (turn.getAndIncrement() % local.size());
            List<NetworkMember> rotated = new ArrayList<>(local.subList(start, local.size()));
            rotated.addAll(local.subList(0, start));
            local = rotated;
        }
        Map<String, Long> rtt = remote.isEmpty() ? Map.of() : rttMicros.get();
        remote.sort(Comparator.comparingLong((NetworkMember m) -> rtt.getOrDefault(m.site(), Long.MAX_VALUE))
                .thenComparing(m -> m.id().index()));
        List<InetSocketAddress> out = new ArrayList<>();
        for (NetworkMember m : local) out.add(addressOf(m, route.port()));
        for (NetworkMember m : remote) out.add(addressOf(m, route.port()));
        return out;
    }

    private static InetSocketAddress addressOf(NetworkMember m, String port) {
        String host = m.nodeAddress().isEmpty() ? "127.0.0.1" : m.nodeAddress();
        return new InetSocketAddress(host, m.ports().get(port));
    }

    @Override
    public void close() {
        closed = true;
        if (syncing != null) syncing.cancel(false);
        for (var port : Set.copyOf(listeners.keySet())) {
            var l = listeners.remove(port);
            if (l != null) l.close();
        }
    }

    private final class Listener implements AutoCloseable {
        final Route route;
        final ServerSocket socket;
        final Set<Socket> open = ConcurrentHashMap.newKeySet();

        Listener(int port, Route route) throws IOException {
            this.route = route;
            this.socket = new ServerSocket();
            try {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(bind, port), 128);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            Thread.ofVirtual().name("atoll-ingress-" + port).start(this::acceptLoop);
        }

        private void acceptLoop() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    Thread.ofVirtual().start(() -> relay(client));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void relay(Socket client) {
            open.add(client);
            Socket upstream = null;
            int tries = 0;
            for (InetSocketAddress backend : backends(route)) {
                if (tries++ == MAX_TRIES) break;
                var attempt = new Socket();
                try {
                    attempt.connect(backend, CONNECT_TIMEOUT_MILLIS);
                    upstream = attempt;
                    break;
                } catch (IOException e) {
                    closeQuietly(attempt);
                }
            }
            if (upstream == null) {
                closeQuietly(client);
                open.remove(client);
                return;
            }
            open.add(upstream);
            Socket up = upstream;
            Thread.ofVirtual().start(() -> pump(client, up));
            pump(up, client);
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[BUFFER_BYTES];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(to);
            } finally {
                closeQuietly(from);
                open.remove(from);
            }
        }

        @Override
        public void close() {
            closeQuietly(socket);
            for (Socket s : open) closeQuietly(s);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
