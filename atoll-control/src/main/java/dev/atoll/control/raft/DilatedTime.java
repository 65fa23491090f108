package dev.atoll.control.raft;

import io.microraft.executor.RaftNodeExecutor;
import io.microraft.lifecycle.RaftNodeLifecycleAware;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * MicroRaft 0.7 counts heartbeat periods and timeouts in whole seconds, which makes failover take
 * several seconds. To fail over in under a second, a member runs on dilated time: its executor
 * shortens every delay by {@code factor} and its clock runs {@code factor} times faster, so one
 * MicroRaft "second" lasts one heartbeat period. Both change together, so every duration MicroRaft
 * measures stays consistent with every delay it schedules.
 *
 * <p>Each delay is also lengthened by a random 0-20%. Raft relies on randomized timeouts to avoid
 * split votes, and MicroRaft's own noise (100 dilated ms) shrinks with the dilation; without this,
 * followers that started together check on the leader at the same instants, all stand for
 * election at once and split the vote. The jitter comes from a seed, so a run can be replayed.
 */
final class DilatedTime {
    private final double factor;
    private final Clock base;
    private final Instant origin;
    private final java.util.function.Function<String, ScheduledExecutorService> executors;

    DilatedTime(double factor, Clock base) {
        this(factor, base, RaftRuntime.real().executors());
    }

    DilatedTime(double factor, Clock base, java.util.function.Function<String, ScheduledExecutorService> executors) {
        if (!(factor >= 1)) {
            throw new IllegalArgumentException("time can only be sped up: " + factor);
        }
        this.factor = factor;
        this.base = base;
        this.origin = base.instant();
        this.executors = executors;
    }

    static DilatedTime forTimings(RaftTimings timings, Clock base) {
        return new DilatedTime(1000.0 / timings.heartbeatPeriod().toMillis(), base);
    }

    static DilatedTime forTimings(RaftTimings timings, RaftRuntime runtime) {
        return new DilatedTime(1000.0 / timings.heartbeatPeriod().toMillis(), runtime.clock(), runtime.executors());
    }

    /** A real duration expressed in dilated milliseconds, for MicroRaft's millisecond settings. */
    long dilatedMillis(java.time.Duration real) {
        return Math.round(real.toMillis() * factor);
    }

    Clock clock() {
        return new DilatedClock();
    }

    RaftNodeExecutor newExecutor(String threadName, long jitterSeed) {
        return new DilatedExecutor(threadName, new Random(jitterSeed));
    }

    private final class DilatedClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            long realNanos = java.time.Duration.between(origin, base.instant()).toNanos();
            return origin.plusNanos(Math.round(realNanos * factor));
        }
    }

    /** One thread per member, as MicroRaft expects; delays shortened by the factor. */
    private final class DilatedExecutor implements RaftNodeExecutor, RaftNodeLifecycleAware {
        private static final double MAX_JITTER = 0.2;

        private final ScheduledExecutorService executor;
        private final Random jitter;

        DilatedExecutor(String threadName, Random jitter) {
            this.jitter = jitter;
            this.executor = executors.apply(threadName);
        }

        @Override
        public void execute(Runnable task) {
            submit(task);
        }

        @Override
        public void submit(Runnable task) {
            try {
                executor.execute(task);
            } catch (RejectedExecutionException e) {
                // The node has terminated; its remaining work is moot.
            }
        }

        @Override
        public void schedule(Runnable task, long delay, TimeUnit timeUnit) {
            double stretch = 1 + MAX_JITTER * jitter.nextDouble();
            long realNanos = Math.round(timeUnit.toNanos(delay) * stretch / factor);
            try {
                executor.schedule(task, realNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // As in submit.
            }
        }

        @Override
        public void onRaftNodeTerminate() {
            executor.shutdown();
        }
    }
}
