package dev.atoll.sim.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Virtual time and the one queue of everything that happens in a simulation. Tasks run one at a
 * time on the caller's thread, in order of due time and then of submission, so a run is a pure
 * function of what was scheduled: no thread, no wall clock. Every part of the simulated cloud gets
 * its own {@link Lane}, an executor that the real code (site loops, Raft members) takes for a
 * thread pool; shutting a lane down (a crash) drops its pending tasks and refuses new ones.
 */
public final class SimScheduler {
    /** Simulated runs start at a fixed instant, so logs of two runs can be compared byte for byte. */
    public static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");

    // A plain comparison, not Comparator.comparingLong(..).thenComparingLong(..): the queue holds
    // hundreds of thousands of tasks, and the composed lambdas were a quarter of a large run's time.
    private final PriorityQueue<Task> queue =
            new PriorityQueue<>((a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long nowNanos;
    private long sequence;
    private long executed;

    /** Nanoseconds since {@link #EPOCH}. */
    public long nowNanos() {
        return nowNanos;
    }

    public Duration elapsed() {
        return Duration.ofNanos(nowNanos);
    }

    public Instant now() {
        return EPOCH.plusNanos(nowNanos);
    }

    /** Tasks run so far. */
    public long executed() {
        return executed;
    }

    public int pending() {
        return queue.size();
    }

    /** A clock that reads this scheduler's virtual time. */
    public Clock clock() {
        return new Clock() {
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
                return now();
            }

            @Override
            public long millis() {
                return EPOCH.toEpochMilli() + nowNanos / 1_000_000;
            }
        };
    }

    private final java.util.List<Lane> lanes = new java.util.ArrayList<>();

    public Lane lane(String name) {
        Lane lane = new Lane(name);
        lanes.add(lane);
        return lane;
    }

    /** Tasks run so far by kind of lane (the first word of its name), for profiling a run. */
    public java.util.SortedMap<String, Long> executedByKind() {
        java.util.SortedMap<String, Long> byKind = new java.util.TreeMap<>();
        for (Lane lane : lanes) {
            int space = lane.name.indexOf(' ');
            String kind = space < 0 ? lane.name : lane.name.substring(0, space);
            int dash = kind.indexOf('-');
            byKind.merge(dash < 0 ? kind : kind.substring(0, dash), lane.executed, Long::sum);
        }
        return byKind;
    }

    /** Runs the next task, advancing time to it; false when nothing is left. */
    public boolean runNext() {
        Task task = queue.poll();
        if (task == null) return false;
        nowNanos = Math.max(nowNanos, task.due);
        task.run();
        return true;
    }

    /** Runs every task due up to {@code untilNanos}, then sets the time to it. */
    public void runUntil(long untilNanos) {
        while (!queue.isEmpty() && queue.peek().due <= untilNanos) runNext();
        nowNanos = Math.max(nowNanos, untilNanos);
    }

    /** Runs until {@code done} completes or {@code limit} of simulated time passes; true if done. */
    public boolean runUntilDone(Future<?> done, Duration limit) {
        long until = nowNanos + limit.toNanos();
        while (!done.isDone() && !queue.isEmpty() && queue.peek().due <= until) runNext();
        return done.isDone();
    }

    private Task enqueue(Lane lane, Runnable body, long delayNanos, long periodNanos) {
        Task task = new Task(lane, body, nowNanos + Math.max(0, delayNanos), periodNanos, sequence++);
        queue.add(task);
        return task;
    }

    private final class Task implements ScheduledFuture<Object> {
        final Lane lane;
        final Runnable body;
        long due;
        /** 0: once; > 0: fixed rate; < 0: fixed delay (both the same here: tasks take no time). */
        final long period;

        long seq;
        boolean cancelled;
        boolean done;

        Task(Lane lane, Runnable body, long due, long period, long seq) {
            this.lane = lane;
            this.body = body;
            this.due = due;
            this.period = period;
            this.seq = seq;
        }

        void run() {
            if (cancelled || lane.shut) return;
            executed++;
            lane.executed++;
            try {
                body.run();
            } catch (RuntimeException e) {
                lane.failures++;
                lane.lastFailure = e;
                if (period != 0) {
                    // As a ScheduledExecutorService does: a periodic task that throws stops.
                    done = true;
                    return;
                }
            }
            if (period != 0 && !cancelled && !lane.shut) {
                // The same future is queued again, so cancelling it stops every later run.
                due = nowNanos + Math.abs(period);
                seq = sequence++;
                queue.add(this);
            } else {
                done = true;
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - nowNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) return false;
            cancelled = true;
            done = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }

    /**
     * One part's executor on the shared virtual time: a site's loop, a Raft member, a node. It
     * never blocks; waiting on one of its futures from inside the simulation would stop time, so
     * the real code must not (and {@link #invokeAll} and friends refuse).
     */
    public final class Lane implements ScheduledExecutorService {
        private final String name;
        private boolean shut;
        private long executed;
        private long failures;
        private RuntimeException lastFailure;

        private Lane(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        /** Tasks of this lane that threw; the real executor would have swallowed them too. */
        public long failures() {
            return failures;
        }

        public RuntimeException lastFailure() {
            return lastFailure;
        }

        private Task add(Runnable body, long delayNanos, long period) {
            if (shut) throw new RejectedExecutionException("lane " + name + " is shut down");
            return enqueue(this, body, delayNanos, period);
        }

        @Override
        public void execute(Runnable command) {
            add(command, 0, 0);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return add(command, unit.toNanos(delay), 0);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            // Its value is not kept: nothing waits on a future in a simulation.
            return (ScheduledFuture<V>) add(
                    () -> {
                        try {
                            callable.call();
                        } catch (RuntimeException e) {
                            throw e;
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    unit.toNanos(delay),
                    0);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            return add(command, unit.toNanos(initialDelay), Math.max(1, unit.toNanos(period)));
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(
                Runnable command, long initialDelay, long delay, TimeUnit unit) {
            return add(command, unit.toNanos(initialDelay), -Math.max(1, unit.toNanos(delay)));
        }

        @Override
        public void shutdown() {
            shut = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shut = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shut;
        }

        @Override
        public boolean isTerminated() {
            return shut;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }

        @Override
        public <T> Future<T> submit(Callable<T> task) {
            CompletableFuture<T> result = new CompletableFuture<>();
            execute(() -> {
                try {
                    result.complete(task.call());
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            });
            return result;
        }

        @Override
        public <T> Future<T> submit(Runnable task, T value) {
            CompletableFuture<T> result = new CompletableFuture<>();
            execute(() -> {
                task.run();
                result.complete(value);
            });
            return result;
        }

        @Override
        public Future<?> submit(Runnable task) {
            return submit(task, null);
        }

        @Override
        public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) {
            throw new UnsupportedOperationException("blocking calls stop simulated time");
        }

        @Override
        public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("blocking calls stop simulated time");
        }

        @Override
        public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws ExecutionException {
            throw new UnsupportedOperationException("blocking calls stop simulated time");
        }

        @Override
        public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
                throws ExecutionException, TimeoutException {
            throw new UnsupportedOperationException("blocking calls stop simulated time");
        }

        @Override
        public String toString() {
            return "lane " + name;
        }
    }
}
