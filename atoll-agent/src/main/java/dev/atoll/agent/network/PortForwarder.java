package dev.atoll.agent.network;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Forwards one host port on one of the node's addresses to the same port at an instance's address
 * inside its own network namespace: a virtual thread accepts, two more copy each connection's
 * bytes. Closing it closes the listener and every connection.
 */
public final class PortForwarder implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int BUFFER_BYTES = 16 * 1024;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private PortForwarder(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
    }

    /** The forwarders opened for an instance, and what could not be listened on. */
    public record Published(java.util.List<PortForwarder> forwarders, java.util.List<String> failures) {}

    /**
     * A forwarder for every port on every one of {@code on} to the same port at {@code instanceAddress}.
     * Ports that cannot be listened on are named in the failures (a start fails on them; an adoption
     * logs them and carries on, as the instance already runs).
     */
    public static Published publish(
            java.util.Collection<Integer> ports, java.util.List<InetAddress> on, String instanceAddress) {
        var opened = new java.util.ArrayList<PortForwarder>();
        var failed = new java.util.ArrayList<String>();
        for (int port : new java.util.TreeSet<>(ports)) {
            for (InetAddress address : on) {
                try {
                    opened.add(open(address, port, instanceAddress));
                } catch (IOException e) {
                    failed.add("cannot listen on " + address.getHostAddress() + ":" + port
                            + " to forward it to the instance: " + e.getMessage());
                }
            }
        }
        return new Published(opened, failed);
    }

    public static PortForwarder open(InetAddress bind, int hostPort, String containerAddress) throws IOException {
        var listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(bind, hostPort), 128);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        var forwarder = new PortForwarder(listener, new InetSocketAddress(containerAddress, hostPort));
        Thread.ofVirtual().name("atoll-oci-forward-" + hostPort).start(forwarder::acceptLoop);
        return forwarder;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread.ofVirtual().start(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        open.add(client);
        var upstream = new Socket();
        open.add(upstream);
        try {
            upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        var directionsLeft = new java.util.concurrent.atomic.AtomicInteger(2);
        Thread.ofVirtual().start(() -> copy(upstream, client, directionsLeft));
        copy(client, upstream, directionsLeft);
    }

    /**
     * Copies one direction until it ends, then half-closes so the other direction can finish; the
     * last direction to end closes both sockets. An error ends the whole connection.
     */
    private void copy(Socket from, Socket to, java.util.concurrent.atomic.AtomicInteger directionsLeft) {
        byte[] buffer = new byte[BUFFER_BYTES];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) out.write(buffer, 0, n);
            to.shutdownOutput();
            if (directionsLeft.decrementAndGet() > 0) return;
        } catch (IOException e) {
            // fall through: end the connection both ways
        }
        closeQuietly(from);
        closeQuietly(to);
    }

    @Override
    public void close() {
        closeQuietly(listener);
        for (Socket s : open) closeQuietly(s);
        open.clear();
    }

    private void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
        if (c instanceof Socket s) open.remove(s);
    }
}
