package dev.atoll.cli.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Ports for processes that need fixed, neighbouring ports (a site: wire, gossip, Raft, API). */
public final class FreePorts {
    private FreePorts() {}

    /**
     * A base port whose next {@code count} ports are free now. Below Linux's ephemeral range (from
     * 32768), so the outgoing connections of the processes already started cannot take a port meant
     * for one started later; and below 20000, where agents hand out instance ports.
     */
    public static int range(int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(12_000, 20_000 - count);
            if (allFree(base, count)) return base;
        }
        throw new IllegalStateException("no free range of " + count + " ports");
    }

    private static boolean allFree(int base, int count) {
        for (int p = base; p < base + count; p++) {
            try (ServerSocket s = new ServerSocket(p)) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
