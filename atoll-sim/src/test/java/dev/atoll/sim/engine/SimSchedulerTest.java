package dev.atoll.sim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimSchedulerTest {
    private final SimScheduler scheduler = new SimScheduler();

    @Test
    void tasksRunInOrderOfDueTimeThenOfSubmission() {
        List<String> ran = new ArrayList<>();
        var a = scheduler.lane("a");
        var b = scheduler.lane("b");
        a.schedule(() -> ran.add("a@20"), 20, TimeUnit.MILLISECONDS);
        b.schedule(() -> ran.add("b@10"), 10, TimeUnit.MILLISECONDS);
        a.execute(() -> ran.add("a@0"));
        b.schedule(() -> ran.add("b@20"), 20, TimeUnit.MILLISECONDS);

        while (scheduler.runNext()) {}

        assertThat(ran).containsExactly("a@0", "b@10", "a@20", "b@20");
        assertThat(scheduler.elapsed().toMillis()).isEqualTo(20);
    }

    @Test
    void theClockReadsVirtualTimeFromTheFixedEpoch() {
        var clock = scheduler.clock();
        scheduler.lane("x").schedule(() -> {}, 1500, TimeUnit.MILLISECONDS);
        scheduler.runNext();
        assertThat(clock.instant()).isEqualTo(SimScheduler.EPOCH.plusMillis(1500));
        assertThat(clock.millis()).isEqualTo(SimScheduler.EPOCH.toEpochMilli() + 1500);
    }

    @Test
    void aPeriodicTaskRepeatsUntilCancelled() {
        List<Long> at = new ArrayList<>();
        var lane = scheduler.lane("tick");
        var future =
                lane.scheduleAtFixedRate(() -> at.add(scheduler.elapsed().toMillis()), 0, 100, TimeUnit.MILLISECONDS);
        scheduler.runUntil(TimeUnit.MILLISECONDS.toNanos(250));
        future.cancel(false);
        scheduler.runUntil(TimeUnit.MILLISECONDS.toNanos(1000));

        assertThat(at).containsExactly(0L, 100L, 200L);
        assertThat(future.isCancelled()).isTrue();
    }

    @Test
    void aShutLaneDropsItsPendingTasksAndRefusesNewOnesWhileOtherLanesGoOn() {
        List<String> ran = new ArrayList<>();
        var crashed = scheduler.lane("crashed");
        var alive = scheduler.lane("alive");
        crashed.schedule(() -> ran.add("crashed"), 10, TimeUnit.MILLISECONDS);
        alive.schedule(() -> ran.add("alive"), 10, TimeUnit.MILLISECONDS);

        crashed.shutdownNow();
        while (scheduler.runNext()) {}

        assertThat(ran).containsExactly("alive");
        assertThatThrownBy(() -> crashed.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aTaskThatThrowsIsCountedOnItsLaneAndDoesNotStopTheRun() {
        List<String> ran = new ArrayList<>();
        var lane = scheduler.lane("faulty");
        lane.execute(() -> {
            throw new IllegalStateException("boom");
        });
        lane.execute(() -> ran.add("next"));
        while (scheduler.runNext()) {}

        assertThat(ran).containsExactly("next");
        assertThat(lane.failures()).isEqualTo(1);
        assertThat(lane.lastFailure()).hasMessage("boom");
    }

    @Test
    void groupsRunApartWithinTheLookaheadAndMeetAtItsEnd() {
        // Given two groups 10 ms apart, each answering the other's ping after the lookahead
        var parallel = new SimScheduler(2);
        parallel.limitLookahead(TimeUnit.MILLISECONDS.toNanos(10));
        List<String> log = new ArrayList<>();
        var a = parallel.lane("a", 0);
        var b = parallel.lane("b", 1);
        Runnable[] pingB = new Runnable[1];
        Runnable[] pingA = new Runnable[1];
        pingB[0] = () -> {
            long at = parallel.elapsed().toMillis();
            parallel.effect(() -> log.add("b@" + at));
            if (at < 60) a.schedule(pingA[0], 10, TimeUnit.MILLISECONDS);
        };
        pingA[0] = () -> {
            long at = parallel.elapsed().toMillis();
            parallel.effect(() -> log.add("a@" + at));
            if (at < 60) b.schedule(pingB[0], 10, TimeUnit.MILLISECONDS);
        };
        a.execute(pingA[0]);
        b.schedule(() -> parallel.effect(() -> log.add("b local@5")), 5, TimeUnit.MILLISECONDS);

        // When it runs to its end
        while (parallel.runNext()) {}
        parallel.close();

        // Then each saw its own time, and the simulator's log is in order of time
        assertThat(log).containsExactly("a@0", "b local@5", "b@10", "a@20", "b@30", "a@40", "b@50", "a@60");
        assertThat(parallel.elapsed().toMillis()).isEqualTo(60);
    }

    @Test
    void aGroupThatReachesAnotherSoonerThanTheLookaheadStopsTheRun() {
        var parallel = new SimScheduler(1);
        parallel.limitLookahead(TimeUnit.MILLISECONDS.toNanos(10));
        var a = parallel.lane("a", 0);
        var b = parallel.lane("b", 1);
        a.execute(() -> b.schedule(() -> {}, 1, TimeUnit.MILLISECONDS));

        assertThatThrownBy(parallel::runNext)
                .isInstanceOf(SimScheduler.LookaheadBroken.class)
                .hasMessageContaining("lane b");
    }

    @Test
    void effectsOfOneWindowLandInOrderOfTimeThenOfGroupWhateverTheThreads() {
        List<String> oneThread = effectsOfManyGroups(1);
        List<String> threeThreads = effectsOfManyGroups(3);

        assertThat(oneThread).hasSize(40 * 20);
        assertThat(threeThreads).isEqualTo(oneThread);
        // Same time: lower group first
        assertThat(oneThread.subList(0, 3)).containsExactly("g0@0#0", "g1@0#0", "g2@0#0");
    }

    private static List<String> effectsOfManyGroups(int threads) {
        var scheduler = new SimScheduler(threads);
        scheduler.limitLookahead(TimeUnit.MILLISECONDS.toNanos(5));
        List<String> log = new ArrayList<>();
        for (int g = 0; g < 40; g++) {
            var lane = scheduler.lane("g" + g, g);
            String name = "g" + g;
            int[] count = {0};
            lane.scheduleAtFixedRate(
                    () -> {
                        int n = count[0]++;
                        long at = scheduler.elapsed().toMillis();
                        scheduler.effect(() -> log.add(name + "@" + at + "#" + n));
                    },
                    0,
                    1,
                    TimeUnit.MILLISECONDS);
        }
        scheduler.runUntil(TimeUnit.MILLISECONDS.toNanos(19));
        scheduler.close();
        return log;
    }
}
