package dev.atoll.control.cloud;

import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A node agent that "runs" whatever it is assigned at once: it reports each new replica running
 * with a port and a pid, and its log is one line naming it. The test drives its heartbeats.
 */
final class FakeAgent implements NodeAgentPort {
    static final Instant STARTED = Instant.parse("2026-11-23T10:00:01Z");

    private final List<Consumer<InstanceReport>> reports = new CopyOnWriteArrayList<>();
    private final List<Runnable> heartbeats = new CopyOnWriteArrayList<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    static String logOf(InstanceId id) {
        return "hello from " + id.display() + "\n";
    }

    void heartbeat() {
        heartbeats.forEach(Runnable::run);
    }

    @Override
    public synchronized void assign(Collection<InstanceAssignment> desired) {
        for (InstanceAssignment a : desired) {
            String key = a.id().key() + "@" + a.generation();
            if (!running.add(key)) continue;
            var report = new InstanceReport(
                    a.id(),
                    a.generation(),
                    InstanceState.RUNNING,
                    Map.of("http", 40000 + a.id().index()),
                    Optional.of(1000L + a.id().index()),
                    Optional.of(STARTED),
                    0,
                    "");
            reports.forEach(r -> r.accept(report));
        }
    }

    @Override
    public void onReport(Consumer<InstanceReport> listener) {
        reports.add(listener);
    }

    @Override
    public void onHeartbeat(Runnable listener) {
        heartbeats.add(listener);
    }

    @Override
    public InputStream openLog(InstanceId id, long fromOffset) throws NoSuchFileException {
        if (running.stream().noneMatch(k -> k.startsWith(id.key() + "@"))) {
            throw new NoSuchFileException(id.display());
        }
        byte[] log = logOf(id).getBytes(StandardCharsets.UTF_8);
        int from = (int) Math.min(fromOffset, log.length);
        return new ByteArrayInputStream(log, from, log.length - from);
    }
}
