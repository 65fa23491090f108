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
}
