package dev.atoll.image;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A peer for tests that counts reads and can corrupt a chunk, die after some reads, or wait for a signal. */
final class PeerFaults implements BlobPeer {
    private final BlobPeer inner;
    final AtomicInteger reads = new AtomicInteger();
    private volatile long corruptOffset = -1;
    private volatile int corruptTimes;
    private volatile int failAfterReads = Integer.MAX_VALUE;
    private volatile CountDownLatch waitFor;
    private volatile CountDownLatch signalOnRead;

    PeerFaults(BlobPeer inner) {
        this.inner = inner;
    }

    static PeerFaults of(String name, BlobStore store, int chunkSize) {
        return new PeerFaults(new LocalBlobPeer(name, store, chunkSize));
    }

    /** The chunk at {@code offset} comes back with a flipped byte, {@code times} times. */
    PeerFaults corrupting(long offset, int times) {
        corruptOffset = offset;
        corruptTimes = times;
        return this;
    }

    PeerFaults failingAfter(int reads) {
        failAfterReads = reads;
        return this;
    }

    /** Reads wait (bounded) until {@code latch} opens. */
    PeerFaults waitingFor(CountDownLatch latch) {
        waitFor = latch;
        return this;
    }

    PeerFaults signallingOnRead(CountDownLatch latch) {
        signalOnRead = latch;
        return this;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public Optional<ChunkList> chunks(String digest) throws IOException {
        return inner.chunks(digest);
    }

    @Override
    public byte[] read(String digest, long offset, int length) throws IOException {
        if (reads.get() >= failAfterReads) throw new IOException(name() + " went away");
        CountDownLatch latch = waitFor;
        if (latch != null) {
            try {
                latch.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        reads.incrementAndGet();
        byte[] bytes = inner.read(digest, offset, length);
        if (offset == corruptOffset && corruptTimes > 0) {
            corruptTimes--;
            bytes[0] ^= 0x55;
        }
        CountDownLatch signal = signalOnRead;
        if (signal != null) signal.countDown();
        return bytes;
    }
}
