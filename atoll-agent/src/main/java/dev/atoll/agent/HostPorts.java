package dev.atoll.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Host ports handed to instances. A port is picked at random from {@link #FIRST}..{@link #LAST} and
 * kept if nothing listens on it on any address; the instance (or its forwarder) binds it later.
 * The range lies below Linux's ephemeral ports (from 32768), so no outgoing connection of another
 * process can take a port between the check and the bind, and leaves room for programs that listen
 * on their port plus 10000 too (Redis Cluster's bus). Ports handed out are remembered JVM-wide,
 * because `atoll dev` runs many agents in one process.
 */
final class HostPorts {
    static final int FIRST = 20_000;
    static final int LAST = 32_767;
    private static final Set<Integer> HELD = ConcurrentHashMap.newKeySet();
    private static final int ATTEMPTS = 256;

    private HostPorts() {}

    static int allocate() {
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(FIRST, LAST + 1);
            if (HELD.contains(port) || !free(port)) continue;
            if (HELD.add(port)) return port;
        }
        throw new IllegalStateException("no free port in " + FIRST + ".." + LAST + " after " + ATTEMPTS + " attempts");
    }

    /** Marks a port recovered from an instance's saved state as taken. */
    static void hold(int port) {
        HELD.add(port);
    }

    static void release(int port) {
        HELD.remove(port);
    }

    /** Nothing listens on the port, on any address. */
    private static boolean free(int port) {
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
