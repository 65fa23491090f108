package dev.atoll.sim.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeSet;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Virtual time and the queues of everything that happens in a simulation. A run is a pure function
 * of what was scheduled: no wall clock, and the same order of tasks whatever the number of threads.
 *
 * <p>Every part of the simulated cloud gets its own {@link Lane}, an executor that the real code
 * (site loops, Raft members, nodes) takes for a thread pool; shutting a lane down (a crash) drops
 * its pending tasks and refuses new ones. Lanes belong to a <em>group</em>: every lane of one site
 * is in that site's group, and the scenario's own lanes are {@link #GLOBAL}. Each group has its own
 * queue, in order of due time and then of submission to that group.
 *
 * <p>Time advances in windows, as in conservative parallel discrete-event simulation: no group can
 * reach another sooner than the {@linkplain #limitLookahead lookahead} (the least one-way delay
 * between two sites), so the groups run everything due in the next lookahead independently, on as
 * many threads as given, and what they send each other is delivered when the window ends, in order
 * of sending group. Global tasks run alone, at the start of a window, before any group's task due
 * at the same time. The simulator's own bookkeeping that the groups feed ({@link #effect}) is
 * applied at the end of each window in order of time, then group, then order within the group.
 */
public final class SimScheduler {
    /** Simulated runs start at a fixed instant, so logs of two runs can be compared byte for byte. */
    public static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");

    /** The group of the lanes that belong to no site: the scenario's, and tests'. */
    public static final int GLOBAL = -1;

    // A plain comparison, not Comparator.comparingLong(..).thenComparingLong(..): the queues hold
    // hundreds of thousands of tasks, and the composed lambdas were a quarter of a large run's time.
    private static final Comparator<Task> ORDER =
            (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq);

    private final Group global = new Group(GLOBAL);
    private final List<Group> groups = new ArrayList<>();
    /** Groups with tasks, by the due time of their first (then by index): what the next window runs. */
    private final TreeSet<Group> waiting = new TreeSet<>((a, b) -> a.indexedDue != b.indexedDue
            ? Long.compare(a.indexedDue, b.indexedDue)
            : Integer.compare(a.index, b.index));

    private final List<Lane> lanes = new ArrayList<>();
    /** The group whose tasks this thread runs now; none outside windows (global tasks, set-up). */
    private final ThreadLocal<Group> running = new ThreadLocal<>();

    private final int threads;
    private Workers workers;
    private long lookaheadNanos = Long.MAX_VALUE / 4;
    /** The end of the window under way: groups may reach each other no sooner. */
    private volatile long windowEnd = Long.MIN_VALUE;

    private boolean applyingEffects;

    /** One thread: the order of tasks is the same with more, only slower. */
    public SimScheduler() {
        this(1);
    }

    /** @param threads how many threads run the groups of one window (the caller's among them) */
    public SimScheduler(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1: " + threads);
        this.threads = threads;
    }

    /**
     * No group reaches another in less than {@code nanos}: the width of a window. The smallest of
     * every limit given is kept. Without one, groups never reach each other.
     */
    public void limitLookahead(long nanos) {
        if (nanos < 1) throw new IllegalArgumentException("lookahead must be positive: " + nanos);
        lookaheadNanos = Math.min(lookaheadNanos, nanos);
    }

    public long lookaheadNanos() {
        return lookaheadNanos;
    }

    /** Nanoseconds since {@link #EPOCH}, as the task running on this thread sees them. */
    public long nowNanos() {
        Group g = running.get();
        return g != null ? g.now : global.now;
    }

    public Duration elapsed() {
        return Duration.ofNanos(nowNanos());
    }

    public Instant now() {
        return EPOCH.plusNanos(nowNanos());
    }

    /** Tasks run so far. */
    public long executed() {
        long sum = global.executed;
        for (Group g : groups) sum += g.executed;
        return sum;
    }

    public int pending() {
        int sum = global.queue.size();
        for (Group g : groups) sum += g.queue.size();
        return sum;
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
                return EPOCH.toEpochMilli() + nowNanos() / 1_000_000;
            }
        };
    }

    /** A lane of the {@link #GLOBAL} group. */
    public Lane lane(String name) {
        return lane(name, GLOBAL);
    }

    /** A lane of group {@code group} (0 or more: a site's index), or of {@link #GLOBAL}. */
    public synchronized Lane lane(String name, int group) {
        Lane lane = new Lane(name, groupOf(group));
        lanes.add(lane);
        return lane;
    }

    private Group groupOf(int index) {
        if (index == GLOBAL) return global;
        if (index < 0) throw new IllegalArgumentException("no group " + index);
        while (groups.size() <= index) groups.add(new Group(groups.size()));
        return groups.get(index);
    }

    /** Tasks run so far by kind of lane (the first word of its name), for profiling a run. */
    public synchronized java.util.SortedMap<String, Long> executedByKind() {
        java.util.SortedMap<String, Long> byKind = new java.util.TreeMap<>();
        for (Lane lane : lanes) {
            int space = lane.name.indexOf(' ');
            String kind = space < 0 ? lane.name : lane.name.substring(0, space);
            int dash = kind.indexOf('-');
            byKind.merge(dash < 0 ? kind : kind.substring(0, dash), lane.executed, Long::sum);
        }
        return byKind;
    }

    /**
     * Runs {@code change} to the simulator's own state: now outside a window, else when the window
     * ends, in order of the time it was asked at, then of group, then of asking. What the groups
     * report to the simulator thus lands in the same order however many threads ran them.
     */
    public void effect(Runnable change) {
        Group g = running.get();
        if (g == null) change.run();
        else g.effects.add(new Effect(g.now, change));
    }

    /** Runs the next window (or the global tasks due first), advancing time; false when nothing is left. */
    public boolean runNext() {
        return step(Long.MAX_VALUE);
    }

    /** Runs every task due up to {@code untilNanos}, then sets the time to it. */
    public void runUntil(long untilNanos) {
        while (step(untilNanos)) {}
        global.now = Math.max(global.now, untilNanos);
    }

    /** Runs until {@code done} completes or {@code limit} of simulated time passes; true if done. */
    public boolean runUntilDone(Future<?> done, Duration limit) {
        long until = global.now + limit.toNanos();
        while (!done.isDone() && step(until)) {}
        return done.isDone();
    }

    /** Stops the threads of this scheduler; it runs on the caller's alone afterwards. */
    public void close() {
        if (workers != null) workers.stop();
        workers = null;
    }

    private boolean step(long limit) {
        long globalDue = global.headDue();
        long groupsDue = waiting.isEmpty() ? Long.MAX_VALUE : waiting.first().indexedDue;
        long start = Math.min(globalDue, groupsDue);
        if (start == Long.MAX_VALUE || start > limit) return false;
        if (globalDue == start) {
            runGlobal(start);
            return true;
        }
        long end = Math.min(Math.min(start + lookaheadNanos, globalDue), limit == Long.MAX_VALUE ? limit : limit + 1);
        List<Group> active = new ArrayList<>();
        for (Group g : waiting) {
            if (g.indexedDue >= end) break;
            active.add(g);
        }
        for (Group g : active) {
            waiting.remove(g);
            g.indexedDue = Long.MAX_VALUE;
        }
        runWindow(active, end);
        return true;
    }

    private void runGlobal(long at) {
        global.now = Math.max(global.now, at);
        while (global.headDue() <= at) {
            Task task = global.queue.poll();
            global.executed++;
            task.run();
        }
    }

    private void runWindow(List<Group> active, long end) {
        windowEnd = end;
        if (threads == 1 || active.size() < 2) {
            for (Group g : active) runGroup(g, end);
        } else {
            if (workers == null) workers = new Workers(threads - 1);
            workers.run(active, end);
        }
        windowEnd = Long.MIN_VALUE;
        // Delivered in order of sending group, each in its order of sending: the same with any threads.
        active.sort(Comparator.comparingInt(g -> g.index));
        long latest = global.now;
        List<Effect> effects = new ArrayList<>();
        List<Group> touched = new ArrayList<>(active);
        for (Group g : active) {
            latest = Math.max(latest, g.now);
            for (Task t : g.outbox) {
                Group to = t.lane.group;
                to.add(t);
                touched.add(to);
            }
            g.outbox.clear();
            effects.addAll(g.effects);
            g.effects.clear();
        }
        for (Group g : touched) reindex(g);
        if (!effects.isEmpty()) {
            // A stable sort: equal times keep group order, then the order they were asked in.
            effects.sort(Comparator.comparingLong(e -> e.at));
            applyingEffects = true;
            try {
                for (Effect e : effects) {
                    global.now = Math.max(global.now, e.at);
                    e.change.run();
                }
            } finally {
                applyingEffects = false;
            }
        }
        global.now = Math.max(global.now, latest);
    }

    private void runGroup(Group g, long end) {
        running.set(g);
        try {
            while (!g.queue.isEmpty() && g.queue.peek().due < end) {
                Task task = g.queue.poll();
                g.now = Math.max(g.now, task.due);
                g.executed++;
                task.run();
            }
        } finally {
            running.remove();
        }
    }

    private void reindex(Group g) {
        if (g == global) return;
        long due = g.headDue();
        if (due == g.indexedDue) return;
        if (g.indexedDue != Long.MAX_VALUE) waiting.remove(g);
        g.indexedDue = due;
        if (due != Long.MAX_VALUE) waiting.add(g);
    }

    private Task enqueue(Lane lane, Runnable body, long delayNanos, long periodNanos) {
        Group from = running.get();
        Group to = lane.group;
        long due = (from != null ? from.now : global.now) + Math.max(0, delayNanos);
        Task task = new Task(lane, body, due, periodNanos);
        if (from == to) {
            to.add(task);
        } else if (from != null) {
            if (due < windowEnd) {
                throw new LookaheadBroken("lane " + lane.name + " was given a task due in " + delayNanos
                        + " ns from another group, sooner than the lookahead of " + lookaheadNanos + " ns");
            }
            from.outbox.add(task);
        } else {
            if (applyingEffects && to != global) {
                throw new LookaheadBroken("the simulator's bookkeeping scheduled on lane " + lane.name);
            }
            to.add(task);
            reindex(to);
        }
        return task;
    }

    /** A group reached another sooner than the lookahead allows: a bug in how the simulator is wired. */
    public static final class LookaheadBroken extends Error {
        LookaheadBroken(String message) {
            super(message);
        }
    }

    private record Effect(long at, Runnable change) {}

    private static final class Group {
        final int index;
        final PriorityQueue<Task> queue = new PriorityQueue<>(ORDER);
        long now;
        long seq;
        long executed;
        /** The due time under which {@link #waiting} holds it; MAX_VALUE: not held. */
        long indexedDue = Long.MAX_VALUE;
        /** Tasks it gave other groups in the window under way, in order. */
        final List<Task> outbox = new ArrayList<>();
        /** Changes to the simulator's state it asked for in the window under way, in order. */
        final List<Effect> effects = new ArrayList<>();

        Group(int index) {
            this.index = index;
        }

        void add(Task task) {
            task.seq = seq++;
            queue.add(task);
        }

        long headDue() {
            Task head = queue.peek();
            return head == null ? Long.MAX_VALUE : head.due;
        }
    }

    /** Threads besides the caller's that run groups of a window, each group on one of them. */
    private final class Workers {
        private final List<Thread> threads = new ArrayList<>();
        private volatile long generation;
        private volatile boolean stopped;
        private volatile List<Group> active = List.of();
        private volatile long end;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private volatile Throwable failure;

        Workers(int count) {
            for (int i = 0; i < count; i++) {
                Thread t = new Thread(this::work, "sim-worker-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        void run(List<Group> groups, long windowEnd) {
            active = groups;
            end = windowEnd;
            next.set(0);
            finished.set(0);
            generation++;
            try {
                take();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            int spins = 0;
            while (finished.get() < threads.size()) {
                if (++spins < 10_000) Thread.onSpinWait();
                else Thread.yield();
            }
            Throwable f = failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException r) throw r;
                throw (Error) f;
            }
        }

        private void take() {
            List<Group> groups = active;
            for (int i = next.getAndIncrement(); i < groups.size(); i = next.getAndIncrement()) {
                runGroup(groups.get(i), end);
            }
        }

        private void work() {
            long seen = 0;
            while (true) {
                int spins = 0;
                while (generation == seen && !stopped) {
                    if (++spins < 10_000) Thread.onSpinWait();
                    else if (spins < 20_000) Thread.yield();
                    else java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                }
                if (stopped) return;
                seen = generation;
                try {
                    take();
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
                finished.incrementAndGet();
            }
        }

        void stop() {
            stopped = true;
        }
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

        Task(Lane lane, Runnable body, long due, long period) {
            this.lane = lane;
            this.body = body;
            this.due = due;
            this.period = period;
        }

        void run() {
            if (cancelled || lane.shut) return;
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
                due = lane.group.now + Math.abs(period);
                lane.group.add(this);
            } else {
                done = true;
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - nowNanos(), TimeUnit.NANOSECONDS);
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
        private final Group group;
        private boolean shut;
        private long executed;
        private long failures;
        private RuntimeException lastFailure;

        private Lane(String name, Group group) {
            this.name = name;
            this.group = group;
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
