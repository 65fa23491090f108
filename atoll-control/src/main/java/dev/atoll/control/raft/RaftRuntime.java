package dev.atoll.control.raft;

import java.time.Clock;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Where a Raft group's time, threads and randomness come from: the real ones in production, the
 * simulator's virtual clock and deterministic lanes in a simulation, where every member runs on
 * one thread in a reproducible order.
 *
 * @param clock what MicroRaft measures time with (dilated on top, see {@link DilatedTime})
 * @param executors a single-threaded executor per name, for each member and for the group's client
 * @param seed seeds MicroRaft's election timeouts when present; absent, MicroRaft draws its own
 */
public record RaftRuntime(Clock clock, Function<String, ScheduledExecutorService> executors, Optional<Long> seed) {

    /** Wall-clock time, one daemon thread per member and one for the group's client. */
    public static RaftRuntime real() {
        return new RaftRuntime(
                Clock.systemUTC(),
                name -> Executors.newSingleThreadScheduledExecutor(task -> {
                    Thread thread = new Thread(task, name);
                    thread.setDaemon(true);
                    return thread;
                }),
                Optional.empty());
    }

    Optional<Random> randomFor(String memberKey) {
        return seed.map(s -> new Random(s * 31 + memberKey.hashCode()));
    }
}
