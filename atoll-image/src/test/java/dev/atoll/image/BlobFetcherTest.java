package dev.atoll.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobFetcherTest {
    static final int CHUNK = 1024;

    @TempDir
    Path dir;

    /** 10 chunks and a bit: the last chunk is short. */
    final byte[] content = bytes(10 * CHUNK + 300, 42);

    final String digest = Digests.of(content);

    BlobStore site(String name) {
        return new BlobStore(dir.resolve(name));
    }

    BlobStore holding(String name) throws Exception {
        var store = site(name);
        store.put(content);
        return store;
    }

    @Test
    void aBlobIsFetchedFromOnePeerAndVerified() throws Exception {
        var here = site("here");
        var fetcher = new BlobFetcher(here, dir.resolve("partial"));

        var report = fetcher.fetch(digest, List.of(new LocalBlobPeer("london", holding("london"), CHUNK)));

        assertThat(here.readAll(digest)).isEqualTo(content);
        assertThat(report.chunks()).isEqualTo(11);
        assertThat(report.bytes()).isEqualTo(content.length);
        assertThat(report.chunksByPeer()).containsExactlyEntriesOf(java.util.Map.of("london", 11));
        assertThat(report.chunksRefetched()).isZero();
        assertThat(dir.resolve("partial").resolve(Digests.hex(digest))).doesNotExist();
    }

    @Test
    void twoPeersHoldingABlobBothServeChunks() throws Exception {
        var here = site("here");
        var firstChunkFromParis = new CountDownLatch(1);
        // London waits until Paris has served a chunk, so the share cannot all go to one peer.
        var london = PeerFaults.of("london", holding("london"), CHUNK).waitingFor(firstChunkFromParis);
        var paris = PeerFaults.of("paris", holding("paris"), CHUNK).signallingOnRead(firstChunkFromParis);

        var report = new BlobFetcher(here, dir.resolve("partial")).fetch(digest, List.of(london, paris));

        assertThat(here.readAll(digest)).isEqualTo(content);
        assertThat(report.chunksByPeer()).containsOnlyKeys("london", "paris");
        assertThat(report.chunksByPeer().values()).allMatch(n -> n > 0);
        assertThat(report.chunksFetched()).isEqualTo(11);
    }

    @Test
    void aPeerThatLacksTheBlobIsSkippedForOneThatHasIt() throws Exception {
        var here = site("here");
        var empty = new LocalBlobPeer("empty", site("empty"), CHUNK);

        var report = new BlobFetcher(here, dir.resolve("partial"))
                .fetch(digest, List.of(empty, new LocalBlobPeer("far", holding("far"), CHUNK)));

        assertThat(report.chunksByPeer()).containsOnlyKeys("far");
        assertThat(here.has(digest)).isTrue();
    }

    @Test
    void aCorruptChunkIsFetchedAgainFromAnotherPeerAndCounted() throws Exception {
        var here = site("here");
        var badHasAnswered = new CountDownLatch(1);
        // The bad peer's first read is its first chunk (good waits for it), and that one is always corrupt.
        var bad = PeerFaults.of("bad", holding("bad"), CHUNK)
                .corrupting(0, Integer.MAX_VALUE)
                .signallingOnRead(badHasAnswered);
        var good = PeerFaults.of("good", holding("good"), CHUNK).waitingFor(badHasAnswered);

        var report = new BlobFetcher(here, dir.resolve("partial")).fetch(digest, List.of(bad, good));

        assertThat(here.readAll(digest)).isEqualTo(content);
        assertThat(report.chunksRefetched()).isEqualTo(1);
        assertThat(report.chunksFetched()).isEqualTo(11);
    }

    @Test
    void aSinglePeerCorruptingAChunkOnceIsAskedAgain() throws Exception {
        var here = site("here");
        var flaky = PeerFaults.of("flaky", holding("flaky"), CHUNK).corrupting(5L * CHUNK, 1);

        var report = new BlobFetcher(here, dir.resolve("partial")).fetch(digest, List.of(flaky));

        assertThat(here.readAll(digest)).isEqualTo(content);
        assertThat(report.chunksRefetched()).isEqualTo(1);
        assertThat(flaky.reads).hasValue(12);
    }

    @Test
    void aChunkCorruptEveryTimeFailsTheFetchAfterBoundedRetries() throws Exception {
        var here = site("here");
        var broken = PeerFaults.of("broken", holding("broken"), CHUNK).corrupting(0, Integer.MAX_VALUE);

        assertThatThrownBy(() -> new BlobFetcher(here, dir.resolve("partial")).fetch(digest, List.of(broken)))
                .isInstanceOf(ImageUnavailableException.class)
                .hasMessageContaining("chunk 0 of blob " + digest + " failed verification "
                        + BlobFetcher.MAX_ATTEMPTS_PER_CHUNK + " times (from broken)");
        assertThat(here.has(digest)).isFalse();
    }

    @Test
    void anInterruptedFetchResumesWithoutFetchingVerifiedChunksAgain() throws Exception {
        var here = site("here");
        var fetcher = new BlobFetcher(here, dir.resolve("partial"));
        var dying = PeerFaults.of("dying", holding("dying"), CHUNK).failingAfter(4);

        assertThatThrownBy(() -> fetcher.fetch(digest, List.of(dying)))
                .isInstanceOf(ImageUnavailableException.class)
                .hasMessageContaining("every peer holding blob " + digest + " failed before it was complete")
                .hasMessageContaining("dying went away");
        assertThat(here.has(digest)).isFalse();

        var fresh = PeerFaults.of("fresh", holding("fresh"), CHUNK);
        var report = new BlobFetcher(here, dir.resolve("partial")).fetch(digest, List.of(fresh));

        assertThat(here.readAll(digest)).isEqualTo(content);
        assertThat(fresh.reads).hasValue(7);
        assertThat(report.chunksByPeer()).containsEntry("fresh", 7);
        assertThat(report.chunks()).isEqualTo(11);
    }

    @Test
    void aKeptChunkThatWasDamagedOnDiskIsFetchedAgain() throws Exception {
        var here = site("here");
        var dying = PeerFaults.of("dying", holding("dying"), CHUNK).failingAfter(2);
        assertThatThrownBy(() -> new BlobFetcher(here, dir.resolve("partial")).fetch(digest, List.of(dying)));
        Path partial = dir.resolve("partial").resolve(Digests.hex(digest));
        try (var kept = Files.list(partial)) {
            Files.write(kept.findFirst().orElseThrow(), new byte[] {1, 2, 3});
        }

        var fresh = PeerFaults.of("fresh", holding("fresh"), CHUNK);
        new BlobFetcher(here, dir.resolve("partial")).fetch(digest, List.of(fresh));

        assertThat(here.readAll(digest)).isEqualTo(content);
        assertThat(fresh.reads).hasValue(10);
    }

    @Test
    void aDigestNoPeerHoldsIsAClearError() {
        var fetcher = new BlobFetcher(site("here"), dir.resolve("partial"));
        String unknown = Digests.of("nobody has this".getBytes());

        assertThatThrownBy(() -> fetcher.fetch(
                        unknown, List.of(new LocalBlobPeer("a", site("a")), new LocalBlobPeer("b", site("b")))))
                .isInstanceOf(ImageUnavailableException.class)
                .hasMessage("blob " + unknown + " is held by none of: a, b");
    }

    @Test
    void aBlobAlreadyInTheStoreIsNotFetched() throws Exception {
        var here = holding("here");
        var peer = PeerFaults.of("london", holding("london"), CHUNK);

        var report = new BlobFetcher(here, dir.resolve("partial")).fetch(digest, List.of(peer));

        assertThat(report.chunks()).isZero();
        assertThat(peer.reads).hasValue(0);
    }

    @Test
    void putVerifiedStoresNothingWhenTheContentDoesNotMatch() throws Exception {
        var store = site("here");

        assertThatThrownBy(() -> store.putVerified(digest, new ByteArrayInputStream("other".getBytes())))
                .isInstanceOf(BlobCorruptException.class)
                .hasMessageContaining("not the expected " + digest);
        assertThat(store.has(digest)).isFalse();
        assertThat(store.digests()).isEmpty();
        try (var temps = Files.list(dir.resolve("here/tmp"))) {
            assertThat(temps).isEmpty();
        }
    }

    @Test
    void storedBlobsAreReadFromAnyOffset() throws Exception {
        var store = holding("here");

        try (var in = store.open(digest, 5000)) {
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 5000, content.length));
        }
        assertThat(store.size(digest)).isEqualTo(content.length);
        assertThat(store.digests()).containsExactly(digest);
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
