package dev.atoll.agent;

import dev.atoll.agent.driver.Driver;
import dev.atoll.agent.driver.ExitStatus;
import dev.atoll.agent.driver.LaunchException;
import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.agent.driver.Workload;
import dev.atoll.agent.restart.CrashHistory;
import dev.atoll.agent.restart.RestartRules;
import dev.atoll.image.ImageUnavailableException;
import dev.atoll.image.PreparedImage;
import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.spec.HealthCheck;
import dev.atoll.model.spec.RestartPolicy;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one instance running on this node: starts it, watches its process, restarts it by its
 * policy with back-off, runs its health check, replaces it when its generation grows and stops it
 * when it is no longer wanted. Every method runs on the agent's loop thread, so nothing here is
 * locked; results of blocking work come back as posted tasks, and each carries the workload it was
 * about so that news about a process that is already gone is ignored.
 */
final class InstanceSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceSupervisor.class);

    private enum Phase {
        /** Nothing started yet. */
        PENDING,
        /** Its image is being fetched and unpacked, or its driver is starting it; nothing runs yet. */
        PREPARING,
        /** A process runs (starting, running, unhealthy, or crash-looping but up). */
        RUNNING,
        /** The process exited; a restart is scheduled. */
        BACKING_OFF,
        /** The process is being stopped (removal or replacement). */
        STOPPING,
        /** Ended for good: failed, or not restarted by its policy. */
        ENDED,
        /** Stopped and forgotten; the agent drops this supervisor. */
        REMOVED
    }

    private final InstanceId id;
    private final AgentContext ctx;
    private final CompletableFuture<Void> removed = new CompletableFuture<>();

    /** What the control plane wants here; null when it wants nothing. */
    private InstanceAssignment desired;
    /** What the last started (or adopted) process runs; null before the first start. */
    private InstanceAssignment current;

    private Phase phase = Phase.PENDING;
    private Workload workload;
    private Map<String, Integer> ports;
    private Map<String, String> environment = Map.of();
    private int restarts;
    private Instant startedAt;
    private CrashHistory history = CrashHistory.NONE;
    private boolean confirmed;
    private boolean unhealthy;
    private boolean crashLooping;
    private int healthFailures;
    private InstanceState endState = InstanceState.FAILED;
    private String message = "";
    /** Why the last process ended, for the message while its successor starts. */
    private String lastExit = "";

    /** An incoming micro-VM that waits for its memory (live migration): its end is a failed migration. */
    private boolean awaitingMemory;
    /** The outgoing migration last tried, so an assignment repeated does not send the memory twice. */
    private dev.atoll.model.agent.Migration migrationTried;
    /** Its memory went to its new copy: the paused original only waits to be released. */
    private boolean migratedAway;

    /** The generation whose memory arrived here: a restart of it boots afresh, nothing will come again. */
    private long memoryReceivedFor = -1;

    /** How long a live migration may take, either end. */
    private static final Duration MIGRATION_TIMEOUT = Duration.ofSeconds(120);

    private ScheduledFuture<?> restartTimer;
    private ScheduledFuture<?> checkTimer;
    private ScheduledFuture<?> stableTimer;
    private InstanceReport lastReport;

    InstanceSupervisor(InstanceId id, AgentContext ctx, Map<String, Integer> ports, int restarts) {
        this.id = id;
        this.ctx = ctx;
        this.ports = new TreeMap<>(ports);
        this.restarts = restarts;
    }

    InstanceId id() {
        return id;
    }

    CompletableFuture<Void> removed() {
        return removed;
    }

    // ---- what the agent asks -------------------------------------------------------------

    void want(InstanceAssignment assignment) {
        desired = assignment;
        switch (phase) {
            case PENDING -> start();
            case RUNNING -> {
                if (assignment.generation() > current.generation()) beginStop();
                else if (assignment.generation() == current.generation()) maybeMigrate(assignment);
            }
            case BACKING_OFF, ENDED -> {
                if (assignment.generation() > current.generation()) start();
            }
            case STOPPING, REMOVED, PREPARING -> {
                // once stopped (or prepared), the supervisor starts whatever is desired then
            }
        }
    }

    void unwant() {
        desired = null;
        switch (phase) {
            case RUNNING -> beginStop();
            case PENDING, BACKING_OFF, ENDED -> remove();
            case STOPPING, REMOVED, PREPARING -> {}
        }
    }

    /**
     * Picks up an instance saved by an earlier agent on this work directory. {@code live} is its
     * process if that still runs and is the same process.
     */
    void resume(InstanceAssignment assignment, InstanceStore.Saved saved, Optional<Workload> live) {
        desired = assignment;
        current = new InstanceAssignment(id, saved.generation(), assignment.service());
        boolean sameGeneration = saved.generation() == assignment.generation();
        if (live.isPresent()) {
            workload = live.get();
            startedAt = saved.startedAt().orElseGet(() -> ctx.clock().instant());
            environment = InstanceEnvironment.of(ctx.agentEnvironment(), ctx.node(), current, ports);
            phase = Phase.RUNNING;
            watch(workload);
            if (!sameGeneration) {
                beginStop();
                return;
            }
            // It was serving before the agent went away; the health check says otherwise soon enough.
            confirmed = true;
            message = "re-adopted pid " + workload.ref().pid() + " after an agent restart";
            scheduleStable(workload);
            scheduleChecks(workload);
            publish();
        } else if (sameGeneration && saved.ended().isPresent()) {
            phase = Phase.ENDED;
            endState = saved.ended().get();
            message = saved.message();
            publish();
        } else {
            if (sameGeneration) {
                restarts++;
                message = "process was gone after an agent restart; restarted";
            }
            start();
        }
    }

    /** Stops supervising without touching the process: it outlives the agent. */
    void detach() {
        cancelTimers();
        if (workload != null) workload.exit().cancel(false);
    }

    // ---- life of a process ---------------------------------------------------------------

    private void start() {
        cancelTimers();
        InstanceAssignment next = desired;
        awaitingMemory = false;
        migratedAway = false;
        if (current != null && current.generation() != next.generation()) {
            migrationTried = null;
            restarts = 0;
            history = CrashHistory.NONE;
            crashLooping = false;
            message = "";
        }
        current = next;
        confirmed = false;
        unhealthy = false;
        healthFailures = 0;
        Driver driver = ctx.drivers().get(next.service().driver());
        if (driver == null) {
            end(
                    InstanceState.FAILED,
                    "driver " + next.service().driver().wireName() + " is not available on node "
                            + ctx.node().id());
            return;
        }
        try {
            ports = portsFor(next.service().ports());
        } catch (RuntimeException e) {
            end(InstanceState.FAILED, "cannot allocate ports: " + e.getMessage());
            return;
        }
        environment = InstanceEnvironment.of(ctx.agentEnvironment(), ctx.node(), next, ports);
        Optional<String> image = next.service().image();
        if (image.isEmpty()) {
            launch(next, driver, Optional.empty());
            return;
        }
        phase = Phase.PREPARING;
        message = "preparing image " + image.get();
        publish();
        ctx.async("preparing image " + image.get() + " for " + id, () -> prepare(image.get()), prepared -> {
            if (phase != Phase.PREPARING) return;
            if (desired == null) {
                remove();
            } else if (desired.generation() != next.generation()) {
                start();
            } else if (prepared == null || prepared.image() == null) {
                end(InstanceState.FAILED, prepared == null ? "cannot prepare image " + image.get() : prepared.error());
            } else {
                launch(next, driver, Optional.of(prepared.image()));
            }
        });
    }

    private record Prepared(PreparedImage image, String error) {}

    private Prepared prepare(String image) {
        try {
            return new Prepared(ctx.images().prepare(image), "");
        } catch (ImageUnavailableException e) {
            return new Prepared(null, e.getMessage());
        }
    }

    private void launch(InstanceAssignment next, Driver driver, Optional<PreparedImage> image) {
        var service = next.service();
        var spec = new LaunchSpec(
                id.display(),
                service.command(),
                environment,
                ctx.store().directory(id),
                ctx.store().log(id),
                image,
                service.resources(),
                ports,
                service.readOnly(),
                service.mounts(),
                next.id().tenant(),
                next.networks());
        // Off the loop: a container or a VM can take a while to start, and the loop must keep
        // heartbeating meanwhile or the site declares the whole node down.
        phase = Phase.PREPARING;
        var migration = memoryReceivedFor == next.generation() ? null : next.migration();
        ctx.async("starting " + id, () -> startWith(driver, spec, migration), launched -> onLaunched(next, launched));
    }

    /** A started workload, or why it could not be started. */
    private record Launched(Workload workload, String error) {}

    private Launched startWith(Driver driver, LaunchSpec spec, dev.atoll.model.agent.Migration migration) {
        try {
            if (migration != null && migration.role() == dev.atoll.model.agent.Migration.Role.INCOMING) {
                return new Launched(driver.startIncoming(spec, migration.address(), migration.port()), "");
            }
            return new Launched(driver.start(spec), "");
        } catch (LaunchException e) {
            return new Launched(null, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("starting {} failed", id, e);
            return new Launched(null, "cannot start: " + e);
        }
    }

    private void onLaunched(InstanceAssignment next, Launched launched) {
        boolean stillWanted = phase == Phase.PREPARING && desired != null && desired.generation() == next.generation();
        if (launched == null || launched.workload() == null) {
            if (stillWanted) {
                end(InstanceState.FAILED, launched == null ? "cannot start" : launched.error());
            } else if (desired == null) {
                remove();
            } else {
                start();
            }
            return;
        }
        workload = launched.workload();
        startedAt = ctx.clock().instant();
        phase = Phase.RUNNING;
        persist();
        watch(workload);
        if (!stillWanted) {
            // Unwanted, or replaced by a newer generation, while it started: stopped like any other.
            beginStop();
            return;
        }
        var migration = next.migration();
        if (migration != null
                && migration.role() == dev.atoll.model.agent.Migration.Role.INCOMING
                && memoryReceivedFor != next.generation()) {
            // Not running until the memory of the running original arrived: only then is it reported so.
            awaitingMemory = true;
            message = "waiting for the memory of the running instance on " + migration.endpoint();
            publish();
            Workload w = workload;
            Driver driver = ctx.drivers().get(next.service().driver());
            ctx.async(
                    "receiving " + id,
                    () -> driver.awaitIncoming(w.ref(), MIGRATION_TIMEOUT),
                    arrived -> onMemory(w, Boolean.TRUE.equals(arrived)));
            return;
        }
        scheduleStable(workload);
        scheduleChecks(workload);
        publish();
    }

    private void onMemory(Workload w, boolean arrived) {
        if (w != workload || phase != Phase.RUNNING || !awaitingMemory) return;
        awaitingMemory = false;
        if (!arrived) {
            Driver driver = ctx.drivers().get(current.service().driver());
            ctx.async(
                    "stopping " + id,
                    () -> {
                        driver.stop(w.ref(), Duration.ZERO);
                        return Boolean.TRUE;
                    },
                    done -> {});
            end(
                    InstanceState.FAILED,
                    "the running instance's memory did not arrive within " + human(MIGRATION_TIMEOUT));
            return;
        }
        memoryReceivedFor = current.generation();
        message = "memory received: runs here now";
        scheduleStable(w);
        scheduleChecks(w);
        publish();
    }

    /** The source of a live migration: sends the memory once per destination while the guest runs. */
    private void maybeMigrate(InstanceAssignment assignment) {
        var migration = assignment.migration();
        if (migration == null
                || migration.role() != dev.atoll.model.agent.Migration.Role.OUTGOING
                || migration.equals(migrationTried)
                || migratedAway
                || workload == null) return;
        migrationTried = migration;
        message = "sending its memory to " + migration.endpoint() + " while it runs";
        publish();
        Workload w = workload;
        Driver driver = ctx.drivers().get(current.service().driver());
        ctx.async(
                "migrating " + id,
                () -> driver.migrate(w.ref(), migration.address(), migration.port(), MIGRATION_TIMEOUT),
                outcome -> onMigrated(w, outcome));
    }

    private void onMigrated(Workload w, Driver.MigrationOutcome outcome) {
        if (w != workload || phase != Phase.RUNNING) return;
        if (outcome != null && outcome.completed()) {
            migratedAway = true;
            message = "migrated: " + outcome.detail() + " (paused "
                    + outcome.downtime().toMillis() + " ms); waiting to be released";
        } else {
            message =
                    "live migration failed: " + (outcome == null ? "no outcome" : outcome.detail()) + "; runs on here";
        }
        publish();
    }

    private void watch(Workload w) {
        w.exit().whenComplete((status, error) -> {
            if (error == null) ctx.post(() -> onExit(w, status));
        });
    }

    private void onExit(Workload w, ExitStatus status) {
        if (w != workload || phase != Phase.RUNNING) return; // stopping: the stop itself reports
        workload = null;
        cancelTimers();
        if (awaitingMemory || migratedAway) {
            // Not restarted: a new copy would not have the guest's state.
            boolean away = migratedAway;
            awaitingMemory = false;
            end(
                    away ? InstanceState.STOPPED : InstanceState.FAILED,
                    away
                            ? "migrated to its new copy"
                            : "the live migration did not complete (" + status.describe() + ")");
            return;
        }
        RestartRules rules = ctx.settings().restart();
        Instant now = ctx.clock().instant();
        Duration uptime = Duration.between(startedAt, now);
        history = history.afterExit(now, uptime.isNegative() ? Duration.ZERO : uptime, rules);
        RestartPolicy policy = current.service().restart();
        boolean restart = status.code().isPresent()
                ? policy.restartsAfter(status.code().getAsInt())
                : policy != RestartPolicy.NEVER;
        if (!restart || desired == null) {
            end(
                    status.succeeded() ? InstanceState.STOPPED : InstanceState.FAILED,
                    status.describe() + "; restart policy " + policy.wireName() + " does not restart it");
            return;
        }
        Duration delay = history.backOff(rules);
        crashLooping = history.crashLooping(now, rules);
        lastExit = status.describe();
        phase = Phase.BACKING_OFF;
        message = status.describe()
                + (crashLooping
                        ? " (" + history.recentExits().size() + " exits within " + human(rules.crashLoopWindow()) + ")"
                        : "")
                + "; restarting in " + human(delay);
        persist();
        publish();
        restartTimer = ctx.schedule(this::restartAfterBackOff, delay);
    }

    private void restartAfterBackOff() {
        if (phase != Phase.BACKING_OFF || desired == null) return;
        restarts++;
        message = "restarted after it " + lastExit
                + (crashLooping
                        ? " (" + history.recentExits().size() + " exits within "
                                + human(ctx.settings().restart().crashLoopWindow()) + ")"
                        : "");
        start();
    }

    private void end(InstanceState state, String why) {
        cancelTimers();
        workload = null;
        phase = Phase.ENDED;
        endState = state;
        crashLooping = false;
        message = why;
        persist();
        publish();
    }

    private void beginStop() {
        cancelTimers();
        phase = Phase.STOPPING;
        message = desired == null
                ? "stopping"
                : "replacing generation " + current.generation() + " with " + desired.generation();
        publish();
        Workload w = workload;
        Driver driver = ctx.drivers().get(current.service().driver());
        // A paused original whose memory went to its new copy has nothing left to shut down.
        Duration grace =
                migratedAway || awaitingMemory ? Duration.ZERO : ctx.settings().stopGrace();
        ctx.async(
                "stopping " + id,
                () -> {
                    driver.stop(w.ref(), grace);
                    return Boolean.TRUE;
                },
                done -> onStopped(w));
    }

    private void onStopped(Workload w) {
        if (phase != Phase.STOPPING || w != workload) return;
        w.exit().cancel(false);
        workload = null;
        crashLooping = false;
        if (desired == null) {
            remove();
        } else {
            start();
        }
    }

    private void remove() {
        cancelTimers();
        phase = Phase.REMOVED;
        crashLooping = false;
        message = "stopped";
        publish();
        ports.values().forEach(HostPorts::release);
        ctx.store().delete(id);
        ctx.removed().accept(this);
        removed.complete(null);
    }

    // ---- health ---------------------------------------------------------------------------

    /** Either the health check's first probe, or (without one) the promotion to running. */
    private void scheduleChecks(Workload w) {
        Optional<HealthCheck> check = current.service().health();
        if (check.isEmpty()) {
            if (!confirmed)
                checkTimer = ctx.schedule(() -> upLongEnough(w), ctx.settings().runningAfter());
            return;
        }
        checkTimer = ctx.schedule(() -> probe(w, check.get()), nextProbeDelay(check.get()));
    }

    private Duration nextProbeDelay(HealthCheck check) {
        Duration startup = ctx.settings().startupProbeInterval();
        return confirmed || check.interval().compareTo(startup) < 0 ? check.interval() : startup;
    }

    private void upLongEnough(Workload w) {
        if (w != workload || phase != Phase.RUNNING) return;
        confirmed = true;
        if (!crashLooping) message = "";
        publish();
    }

    private void probe(Workload w, HealthCheck check) {
        if (w != workload || phase != Phase.RUNNING) return;
        Map<String, Integer> p = Map.copyOf(ports);
        Map<String, String> env = environment;
        var dir = ctx.store().directory(id);
        ctx.async(
                "health check of " + id,
                () -> ctx.probes().probe(check, p, env, dir),
                result -> onProbe(w, check, result));
    }

    private void onProbe(Workload w, HealthCheck check, dev.atoll.agent.health.ProbeResult result) {
        if (w != workload || phase != Phase.RUNNING) return;
        if (result != null && result.healthy()) {
            healthFailures = 0;
            if (!confirmed || unhealthy) {
                confirmed = true;
                unhealthy = false;
                if (!crashLooping) message = "";
                publish();
            }
        } else {
            healthFailures++;
            String detail = result == null ? "the probe itself failed" : result.detail();
            if (healthFailures == check.threshold()
                    || (confirmed && !unhealthy && healthFailures > check.threshold())) {
                message = "health check failed " + healthFailures + " times: " + detail;
                if (confirmed) unhealthy = true;
                publish();
            }
        }
        checkTimer = ctx.schedule(() -> probe(w, check), nextProbeDelay(check));
    }

    /** A process that stays up for a while has recovered: its back-off starts again from the bottom. */
    private void scheduleStable(Workload w) {
        stableTimer = ctx.schedule(
                () -> {
                    if (w != workload || phase != Phase.RUNNING) return;
                    history = history.recovered();
                    if (crashLooping) {
                        crashLooping = false;
                        message = "";
                        publish();
                    }
                },
                ctx.settings().restart().resetAfter());
    }

    // ---- reporting and state -------------------------------------------------------------

    InstanceState state() {
        return switch (phase) {
            case PENDING, PREPARING -> InstanceState.PENDING;
            case RUNNING ->
                crashLooping
                        ? InstanceState.CRASH_LOOPING
                        : !confirmed
                                ? InstanceState.STARTING
                                : unhealthy ? InstanceState.UNHEALTHY : InstanceState.RUNNING;
            case BACKING_OFF -> crashLooping ? InstanceState.CRASH_LOOPING : InstanceState.STARTING;
            case STOPPING -> InstanceState.STOPPING;
            case ENDED -> endState;
            case REMOVED -> InstanceState.STOPPED;
        };
    }

    /** Reports the instance if anything users can see changed since the last report. */
    private void publish() {
        long generation = current != null ? current.generation() : desired != null ? desired.generation() : 0;
        var report = new InstanceReport(
                id,
                generation,
                state(),
                ports,
                workload == null ? Optional.empty() : Optional.of(workload.ref().pid()),
                workload == null ? Optional.empty() : Optional.ofNullable(startedAt),
                restarts,
                message);
        if (report.equals(lastReport)) return;
        lastReport = report;
        ctx.reports().accept(report);
    }

    private void persist() {
        if (current == null) return;
        var saved = new InstanceStore.Saved(
                id,
                current.generation(),
                current.service().driver(),
                workload == null ? Optional.empty() : Optional.of(workload.ref().pid()),
                workload == null ? Optional.empty() : Optional.of(workload.ref().processStart()),
                ports,
                Optional.ofNullable(startedAt),
                restarts,
                phase == Phase.ENDED ? Optional.of(endState) : Optional.empty(),
                message,
                workload == null || workload.ref().handle().isEmpty()
                        ? Optional.empty()
                        : Optional.of(workload.ref().handle()));
        try {
            ctx.store().save(saved);
        } catch (UncheckedIOException e) {
            LOG.warn("cannot persist {}: {}", id, e.getMessage());
        }
    }

    /** Keeps the ports of names the instance already had, so they survive restarts and replacements. */
    private Map<String, Integer> portsFor(List<String> names) {
        var next = new TreeMap<String, Integer>();
        for (String name : names) {
            Integer port = ports.get(name);
            next.put(name, port != null ? port : HostPorts.allocate());
        }
        ports.forEach((name, port) -> {
            if (!next.containsKey(name)) HostPorts.release(port);
        });
        return next;
    }

    private void cancelTimers() {
        for (var timer : List.of(
                Optional.ofNullable(restartTimer), Optional.ofNullable(checkTimer), Optional.ofNullable(stableTimer))) {
            timer.ifPresent(t -> t.cancel(false));
        }
        restartTimer = checkTimer = stableTimer = null;
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) return ms + " ms";
        if (ms % 1000 == 0) return (ms / 1000) + " s";
        return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
