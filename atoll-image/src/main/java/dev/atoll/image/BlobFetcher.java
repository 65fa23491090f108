package dev.atoll.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * Fetches blobs by digest from peers into a store, in verified chunks.
 *
 * <p>Every peer that holds the blob (with the same chunk list as the nearest one) gets a share of
 * the chunks, round-robin, and takes over chunks from the others when its own share is done, so a
 * fast peer carries more. A chunk that fails its sha256 goes to another peer when there is one; a
 * chunk is tried at most {@value #MAX_ATTEMPTS_PER_CHUNK} times. Verified chunks are kept as files
 * in {@code partialDir/<hex>/} until the whole blob is in the store, so a fetch interrupted by a
 * failing peer or a crash resumes without fetching them again (they are re-verified, not trusted).
 * The assembled blob is verified against its digest before it enters the store.
 */
public final class BlobFetcher {
    static final int MAX_ATTEMPTS_PER_CHUNK = 4;
    private final BlobStore into;
    private final Path partialDir;
    private final ConcurrentMap<String, ReentrantLock> fetching = new ConcurrentHashMap<>();

    public BlobFetcher(BlobStore into, Path partialDir) {
        this.into = into;
        this.partialDir = partialDir;
        try {
            Files.createDirectories(partialDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + partialDir + " for partial fetches", e);
        }
    }

    public BlobStore store() {
        return into;
    }

    /**
     * Fetches a blob by digest from the given peers (nearest first). No peer holding it ->
     * {@code ImageUnavailableException("blob sha256:... is held by none of: a, b")}.
     */
    public FetchReport fetch(String digest, List<BlobPeer> peers) throws ImageUnavailableException {
        if (!Digests.isDigest(digest)) {
            throw new ImageUnavailableException(
                    "'" + digest + "' is not a blob digest: expected sha256: and 64 lowercase hex digits");
        }
        long started = System.nanoTime();
        // Two fetches of one blob at once would share partial files; the second waits and finds it stored.
        ReentrantLock lock = fetching.computeIfAbsent(digest, d -> new ReentrantLock());
        lock.lock();
        try {
            if (into.has(digest)) return alreadyStored(digest, started);
            return fetchMissing(digest, peers, started);
        } finally {
            lock.unlock();
        }
    }

    private FetchReport alreadyStored(String digest, long started) throws ImageUnavailableException {
        try {
            return new FetchReport(
                    digest, into.size(digest), 0, 0, Map.of(), Duration.ofNanos(System.nanoTime() - started));
        } catch (NoSuchFileException e) {
            throw new ImageUnavailableException("blob " + digest + " vanished from the local store", e);
        }
    }

    private FetchReport fetchMissing(String digest, List<BlobPeer> peers, long started)
            throws ImageUnavailableException {
        var holders = new ArrayList<BlobPeer>();
        ChunkList list = null;
        var problems = new ArrayList<String>();
        for (BlobPeer peer : peers) {
            try {
                var offered = peer.chunks(digest);
                if (offered.isEmpty()) continue;
                ChunkList chunks = offered.get();
                if (!chunks.digest().equals(digest)) {
                    problems.add(peer.name() + " answered with the chunk list of " + chunks.digest());
                } else if (list == null) {
                    list = chunks;
                    holders.add(peer);
                } else if (list.equals(chunks)) {
                    holders.add(peer);
                }
                // A peer cutting the blob differently is left out rather than reconciled: chunks must line up.
            } catch (IOException | RuntimeException e) {
                problems.add(peer.name() + ": " + e.getMessage());
            }
        }
        if (list == null) {
            throw new BlobNotHeldException(
                    digest, peers.stream().map(BlobPeer::name).toList(), String.join("; ", problems));
        }
        try {
            Path partial = partialDir.resolve(Digests.hex(digest));
            Files.createDirectories(partial);
            boolean[] have = keptChunks(partial, list);
            var plan = new ChunkPlan(list, holders, have);
            try (var workers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int p = 0; p < holders.size(); p++) {
                    int peer = p;
                    workers.submit(() -> fetchChunks(plan, peer, digest, partial));
                }
            }
            plan.failure().ifPresent(reason -> {
                throw new FetchFailed(reason);
            });
            assemble(digest, list, partial, holders);
            deleteTree(partial);
            return new FetchReport(
                    digest,
                    list.size(),
                    list.chunks(),
                    plan.refetched(),
                    plan.chunksByPeer(),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (FetchFailed e) {
            throw new ImageUnavailableException(e.getMessage());
        } catch (IOException e) {
            throw new ImageUnavailableException("cannot fetch blob " + digest + ": " + e.getMessage(), e);
        }
    }

    private void fetchChunks(ChunkPlan plan, int peerIndex, String digest, Path partial) {
        BlobPeer peer = plan.peer(peerIndex);
        ChunkList list = plan.list();
        while (true) {
            int chunk = plan.next(peerIndex);
            if (chunk < 0) return;
            byte[] bytes;
            try {
                bytes = peer.read(digest, list.offset(chunk), list.length(chunk));
            } catch (IOException | RuntimeException e) {
                plan.peerFailed(peerIndex, chunk, e);
                return;
            }
            if (bytes == null
                    || bytes.length != list.length(chunk)
                    || !Digests.of(bytes).equals(list.chunkSha256().get(chunk))) {
                plan.corrupt(peerIndex, chunk);
                continue;
            }
            try {
                Path temp = Files.createTempFile(partial, "chunk-", ".part");
                Files.write(temp, bytes);
                Files.move(temp, chunkFile(partial, list, chunk), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                plan.fail(
                        "cannot keep chunk " + chunk + " of blob " + digest + " in " + partial + ": " + e.getMessage());
                return;
            }
            plan.done(peerIndex, chunk);
        }
    }

    /** Chunks kept from an earlier fetch, each re-verified; anything else in the directory goes. */
    private static boolean[] keptChunks(Path partial, ChunkList list) throws IOException {
        boolean[] have = new boolean[list.chunks()];
        try (var files = Files.list(partial)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                int chunk = chunkIndex(file.getFileName().toString(), list);
                if (chunk >= 0 && verified(file, list, chunk)) {
                    have[chunk] = true;
                } else {
                    Files.deleteIfExists(file);
                }
            }
        }
        return have;
    }

    private static boolean verified(Path file, ChunkList list, int chunk) throws IOException {
        if (Files.size(file) != list.length(chunk)) return false;
        return Digests.of(Files.readAllBytes(file)).equals(list.chunkSha256().get(chunk));
    }

    private static int chunkIndex(String fileName, ChunkList list) {
        String prefix = list.chunkSize() + ".";
        if (!fileName.startsWith(prefix)) return -1;
        try {
            int chunk = Integer.parseInt(fileName.substring(prefix.length()));
            return chunk >= 0 && chunk < list.chunks() ? chunk : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Path chunkFile(Path partial, ChunkList list, int chunk) {
        return partial.resolve(list.chunkSize() + "." + chunk);
    }

    private void assemble(String digest, ChunkList list, Path partial, List<BlobPeer> holders) throws IOException {
        try (InputStream whole = new SequenceInputStream(new Enumeration<InputStream>() {
            int next = 0;

            @Override
            public boolean hasMoreElements() {
                return next < list.chunks();
            }

            @Override
            public InputStream nextElement() {
                if (!hasMoreElements()) throw new NoSuchElementException();
                try {
                    return Files.newInputStream(chunkFile(partial, list, next++));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        })) {
            into.putVerified(digest, whole);
        } catch (BlobCorruptException e) {
            // Every chunk matched a list that does not describe the blob: the list itself was wrong.
            deleteTree(partial);
            throw new FetchFailed("blob " + digest + " assembled from "
                    + holders.stream().map(BlobPeer::name).collect(Collectors.joining(", "))
                    + " does not match its digest (" + e.getMessage() + "); their chunk list is wrong");
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static final class FetchFailed extends RuntimeException {
        FetchFailed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Which peer fetches which chunk next. Shared by the peers' workers under one lock; the
     * decisions (whom a chunk goes to after a failure, when to give up) are made only here.
     */
    private static final class ChunkPlan {
        private final ReentrantLock lock = new ReentrantLock();
        private final java.util.concurrent.locks.Condition changed = lock.newCondition();
        private final ChunkList list;
        private final List<BlobPeer> peers;
        private final List<java.util.ArrayDeque<Integer>> queues = new ArrayList<>();
        private final boolean[] alive;
        private final int[] attempts;
        private final List<java.util.BitSet> failedBy = new ArrayList<>();
        private final int[] delivered;
        private final List<String> peerProblems = new ArrayList<>();
        private int remaining;
        private int refetched;
        private String failure;

        ChunkPlan(ChunkList list, List<BlobPeer> peers, boolean[] have) {
            this.list = list;
            this.peers = List.copyOf(peers);
            this.alive = new boolean[peers.size()];
            this.delivered = new int[peers.size()];
            this.attempts = new int[list.chunks()];
            for (int p = 0; p < peers.size(); p++) {
                queues.add(new java.util.ArrayDeque<>());
                alive[p] = true;
            }
            int turn = 0;
            for (int c = 0; c < list.chunks(); c++) {
                failedBy.add(new java.util.BitSet());
                if (have[c]) continue;
                queues.get(turn++ % peers.size()).add(c);
                remaining++;
            }
        }

        ChunkList list() {
            return list;
        }

        BlobPeer peer(int p) {
            return peers.get(p);
        }

        /** The next chunk for peer {@code p} to fetch, or -1 when it has nothing more to do. */
        int next(int p) {
            lock.lock();
            try {
                while (true) {
                    if (failure != null || remaining == 0 || !alive[p]) return -1;
                    Integer own = queues.get(p).poll();
                    if (own != null) return take(own);
                    int stolen = steal(p);
                    if (stolen >= 0) return take(stolen);
                    // Others hold chunks in flight; one may come back corrupt and be ours to retry.
                    changed.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "the fetch of blob " + list.digest() + " was interrupted";
                changed.signalAll();
                return -1;
            } finally {
                lock.unlock();
            }
        }

        private int take(int chunk) {
            attempts[chunk]++;
            return chunk;
        }

        /** From the busiest other peer, a chunk that {@code p} has not already delivered corrupt. */
        private int steal(int p) {
            int busiest = -1;
            for (int q = 0; q < queues.size(); q++) {
                if (q == p || queues.get(q).isEmpty()) continue;
                if (busiest < 0 || queues.get(q).size() > queues.get(busiest).size()) busiest = q;
            }
            if (busiest < 0) return -1;
            var it = queues.get(busiest).descendingIterator();
            while (it.hasNext()) {
                int chunk = it.next();
                if (!failedBy.get(chunk).get(p)) {
                    it.remove();
                    return chunk;
                }
            }
            return -1;
        }

        void done(int p, int chunk) {
            lock.lock();
            try {
                delivered[p]++;
                remaining--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void corrupt(int p, int chunk) {
            lock.lock();
            try {
                refetched++;
                failedBy.get(chunk).set(p);
                if (attempts[chunk] >= MAX_ATTEMPTS_PER_CHUNK) {
                    failure = "chunk " + chunk + " of blob " + list.digest() + " failed verification " + attempts[chunk]
                            + " times (from " + names(failedBy.get(chunk)) + ")";
                } else {
                    requeue(chunk, p);
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void peerFailed(int p, int chunk, Exception e) {
            lock.lock();
            try {
                alive[p] = false;
                peerProblems.add(peers.get(p).name() + ": " + e.getMessage());
                refetched++;
                var orphans = new ArrayList<Integer>(queues.get(p));
                queues.get(p).clear();
                orphans.add(0, chunk);
                boolean anyAlive = false;
                for (boolean a : alive) anyAlive |= a;
                if (!anyAlive) {
                    failure = "every peer holding blob " + list.digest() + " failed before it was complete: "
                            + String.join("; ", peerProblems);
                } else {
                    for (int orphan : orphans) requeue(orphan, p);
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void fail(String reason) {
            lock.lock();
            try {
                if (failure == null) failure = reason;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** To the live peer with the shortest queue that has not failed this chunk; else any live one. */
        private void requeue(int chunk, int from) {
            int best = -1;
            for (int pass = 0; pass < 2 && best < 0; pass++) {
                for (int q = 0; q < peers.size(); q++) {
                    if (!alive[q]) continue;
                    if (pass == 0 && failedBy.get(chunk).get(q)) continue;
                    if (best < 0 || queues.get(q).size() < queues.get(best).size()) best = q;
                }
            }
            if (best < 0) best = from; // only reached while failing
            queues.get(best).addFirst(chunk);
        }

        private String names(java.util.BitSet set) {
            return set.stream().mapToObj(q -> peers.get(q).name()).collect(Collectors.joining(", "));
        }

        java.util.Optional<String> failure() {
            lock.lock();
            try {
                return java.util.Optional.ofNullable(failure);
            } finally {
                lock.unlock();
            }
        }

        int refetched() {
            lock.lock();
            try {
                return refetched;
            } finally {
                lock.unlock();
            }
        }

        Map<String, Integer> chunksByPeer() {
            lock.lock();
            try {
                var byPeer = new LinkedHashMap<String, Integer>();
                for (int p = 0; p < peers.size(); p++) {
                    if (delivered[p] > 0) byPeer.merge(peers.get(p).name(), delivered[p], Integer::sum);
                }
                return byPeer;
            } finally {
                lock.unlock();
            }
        }
    }
}
