package dev.atoll.api.request;

import dev.atoll.api.problem.Problem;
import dev.atoll.api.problem.ProblemException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The long-lived responses (event streams, followed logs) that are open now. Bounds how many there
 * may be, and ends them all when the server closes: each runs on its own (virtual) request thread,
 * which is interrupted.
 */
public final class OpenStreams implements AutoCloseable {
    private final Semaphore permits;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public OpenStreams(int max) {
        this.permits = new Semaphore(max);
    }

    /** What a stream does; it returns when the stream ends. IOExceptions mean the client went away. */
    public interface Body {
        void run() throws java.io.IOException, InterruptedException;
    }

    /** Runs {@code body} on the calling thread; a 503 problem when the limit is reached. */
    public void run(Body body) throws java.io.IOException {
        if (closed || !permits.tryAcquire()) {
            throw new ProblemException(Problem.of(503, "too many open streams; try again later"));
        }
        Thread self = Thread.currentThread();
        threads.add(self);
        try {
            body.run();
        } catch (InterruptedException e) {
            // The server is closing: end the stream quietly.
        } finally {
            threads.remove(self);
            permits.release();
            Thread.interrupted(); // the request thread goes back to Jetty clean
        }
    }

    public int open() {
        return threads.size();
    }

    @Override
    public void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
    }
}
