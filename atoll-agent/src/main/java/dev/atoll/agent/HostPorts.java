package dev.atoll.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Host ports on 127.0.0.1 handed to instances. A free port is found by letting the OS pick one and
 * releasing it; the instance binds it later. Ports handed out are remembered JVM-wide, because
 * `atoll dev` runs many agents in one process and the OS may offer the same released port twice.
 */
final class HostPorts {
    private static final Set<Integer> HELD = ConcurrentHashMap.newKeySet();
    private static final int ATTEMPTS = 64;

    private HostPorts() {}

    static int allocate() {
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = probeFreePort();
            if (HELD.add(port)) return port;
        }
        throw new IllegalStateException("no free port on 127.0.0.1 after " + ATTEMPTS + " attempts");
    }

    /** Marks a port recovered from an instance's saved state as taken. */
    static void hold(int port) {
        HELD.add(port);
    }

    static void release(int port) {
        HELD.remove(port);
    }

    private static int probeFreePort() {
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }
}
