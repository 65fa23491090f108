package dev.atoll.net.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS server a node runs for its instances: UDP and TCP on one port. A few platform threads
 * each receive, answer and send on the one UDP socket (answering is a map read, so no queue is
 * needed between them); TCP connections, used for answers too big for UDP, get a virtual thread
 * each, at most {@link #MAX_TCP_CONNECTIONS} at once, closed after {@link #TCP_IDLE} of silence.
 *
 * <p>Every query asks {@code tenantOfClient} who is asking (see the package comment) and reads the
 * newest {@link NameTable} from {@code table}; a client of no known tenant is REFUSED.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
    static final int MAX_TCP_CONNECTIONS = 64;
    static final Duration TCP_IDLE = Duration.ofSeconds(5);
    private static final int TCP_QUERIES_PER_CONNECTION_MAX = 10_000;
    private static final int BIND_ATTEMPTS = 16;
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final InetSocketAddress address;
    private final QueryAnswerer answerer;
    private final List<Thread> threads = new ArrayList<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Semaphore connectionSlots = new Semaphore(MAX_TCP_CONNECTIONS);
    private volatile boolean closed;

    private DnsServer(DatagramSocket udp, ServerSocket tcp, QueryAnswerer answerer) {
        this.udp = udp;
        this.tcp = tcp;
        this.address = new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
        this.answerer = answerer;
    }

    /**
     * Binds UDP and TCP on {@code bind} (port 0: a free port, the same for both) and starts
     * answering. {@code tenantOfClient} and {@code table} are called from several threads at once,
     * for every query, so they should be map reads.
     */
    public static DnsServer start(
            InetSocketAddress bind, Function<InetAddress, Optional<String>> tenantOfClient, Supplier<NameTable> table)
            throws IOException {
        var answerer = new QueryAnswerer(tenantOfClient, table);
        DnsServer server = bindBoth(bind, answerer);
        server.startThreads();
        return server;
    }

    public int port() {
        return address.getPort();
    }

    /** Where the server listens, UDP and TCP alike. */
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        closeQuietly(tcp);
        connections.forEach(DnsServer::closeQuietly);
        for (Thread thread : threads) {
            try {
                if (!thread.join(STOP_WAIT)) LOG.warn("DNS thread {} did not stop in {}", thread.getName(), STOP_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * With port 0 the OS picks the UDP port, and that port may be taken for TCP by someone else; then
     * we let go and try another, a bounded number of times.
     */
    private static DnsServer bindBoth(InetSocketAddress bind, QueryAnswerer answerer) throws IOException {
        BindException last = null;
        for (int attempt = 0; attempt < (bind.getPort() == 0 ? BIND_ATTEMPTS : 1); attempt++) {
            DatagramSocket udp = new DatagramSocket(bind);
            ServerSocket tcp = new ServerSocket();
            try {
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(bind.getAddress(), udp.getLocalPort()), MAX_TCP_CONNECTIONS);
                return new DnsServer(udp, tcp, answerer);
            } catch (BindException e) {
                last = e;
                udp.close();
                tcp.close();
            }
        }
        throw new IOException("cannot bind DNS on UDP and TCP at " + bind, last);
    }

    private void startThreads() {
        int workers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        for (int i = 0; i < workers; i++) {
            threads.add(Thread.ofPlatform()
                    .daemon()
                    .name("atoll-dns-udp-" + port() + "-" + i)
                    .start(this::serveUdp));
        }
        threads.add(Thread.ofPlatform().daemon().name("atoll-dns-tcp-" + port()).start(this::acceptTcp));
    }

    private void serveUdp() {
        byte[] buffer = new byte[QueryAnswerer.TCP_PAYLOAD_MAX];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!closed) {
            try {
                packet.setLength(buffer.length);
                udp.receive(packet);
                byte[] response = answerer.answer(buffer, packet.getLength(), packet.getAddress(), true);
                if (response != null && response.length > 0) {
                    udp.send(new DatagramPacket(response, response.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                if (closed || udp.isClosed()) return;
                LOG.debug("DNS over UDP: {}", e.toString());
            } catch (RuntimeException e) {
                // A bug in answering one query must not stop the node's DNS.
                LOG.warn("DNS query from {} failed", packet.getAddress(), e);
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            Socket socket;
            try {
                socket = tcp.accept();
            } catch (IOException e) {
                if (closed || tcp.isClosed()) return;
                LOG.debug("DNS over TCP: {}", e.toString());
                continue;
            }
            if (!connectionSlots.tryAcquire()) {
                closeQuietly(socket);
                continue;
            }
            connections.add(socket);
            Thread.ofVirtual().name("atoll-dns-tcp-connection").start(() -> {
                try {
                    serveConnection(socket);
                } finally {
                    connections.remove(socket);
                    closeQuietly(socket);
                    connectionSlots.release();
                }
            });
        }
    }

    /** RFC 7766: queries framed by a 2-byte length, answered in order, until the client goes quiet. */
    private void serveConnection(Socket socket) {
        try {
            socket.setSoTimeout((int) TCP_IDLE.toMillis());
            InputStream raw = socket.getInputStream();
            var in = new DataInputStream(raw);
            var out = new DataOutputStream(socket.getOutputStream());
            byte[] buffer = new byte[QueryAnswerer.TCP_PAYLOAD_MAX];
            for (int served = 0; served < TCP_QUERIES_PER_CONNECTION_MAX && !closed; served++) {
                int length = in.readUnsignedShort();
                in.readFully(buffer, 0, length);
                byte[] response = answerer.answer(buffer, length, socket.getInetAddress(), false);
                if (response == null || response.length == 0) return;
                out.writeShort(response.length);
                out.write(response);
                out.flush();
            }
        } catch (EOFException | SocketTimeoutException e) {
            // The client is done, or silent for too long.
        } catch (IOException e) {
            if (!closed) LOG.debug("DNS over TCP from {}: {}", socket.getInetAddress(), e.toString());
        } catch (RuntimeException e) {
            LOG.warn("DNS query over TCP from {} failed", socket.getInetAddress(), e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing on the way out: nothing left to do about it.
        }
    }
}
