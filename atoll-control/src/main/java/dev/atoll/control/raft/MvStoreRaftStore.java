package dev.atoll.control.raft;

import static dev.atoll.control.raft.RaftLogCodec.MODEL;

import io.microraft.lifecycle.RaftNodeLifecycleAware;
import io.microraft.model.log.LogEntry;
import io.microraft.model.log.RaftGroupMembersView;
import io.microraft.model.log.SnapshotChunk;
import io.microraft.model.log.SnapshotEntry;
import io.microraft.model.persistence.RaftEndpointPersistentState;
import io.microraft.model.persistence.RaftTermPersistentState;
import io.microraft.persistence.RaftStore;
import io.microraft.persistence.RestoredRaftState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Raft member's durable state in one H2 MVStore file: its endpoint, the initial members, the
 * current term and vote, the log (index to entry) and snapshot chunks.
 *
 * <p>MicroRaft calls the mutating methods from the member's Raft thread and {@link #flush()} when
 * it needs them durable; flush commits the MVStore, so a process killed after a flush returns finds
 * everything flushed when it reopens the file. Unflushed changes may or may not survive, exactly as
 * {@link RaftStore} allows. The methods are synchronized so that {@link #close()} from another
 * thread cannot interleave with a write.
 */
public final class MvStoreRaftStore implements RaftStore, RaftNodeLifecycleAware, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MvStoreRaftStore.class);

    private static final String LOCAL_ENDPOINT = "localEndpoint";
    private static final String INITIAL_MEMBERS = "initialMembers";
    private static final String TERM = "term";

    private final Path file;
    private final MVStore store;
    private final MVMap<String, byte[]> meta;
    private final MVMap<Long, byte[]> log;
    /** Keyed by {@link #chunkKey} so that chunks sort by snapshot index, then chunk index. */
    private final MVMap<String, byte[]> snapshotChunks;

    private MvStoreRaftStore(Path file, MVStore store) {
        this.file = file;
        this.store = store;
        this.meta = store.openMap("meta");
        this.log = store.openMap("log");
        this.snapshotChunks = store.openMap("snapshotChunks");
    }

    /**
     * Opens (or creates) the store file.
     *
     * @throws UnreadableRaftStoreException if the file exists but is not a readable MVStore
     */
    public static MvStoreRaftStore open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UnreadableRaftStoreException(file, "cannot create its directory: " + e.getMessage(), e);
        }
        MVStore store;
        try {
            store = new MVStore.Builder().fileName(file.toString()).open();
        } catch (RuntimeException e) {
            throw new UnreadableRaftStoreException(file, "not a readable MVStore: " + e.getMessage(), e);
        }
        try {
            return new MvStoreRaftStore(file, store);
        } catch (RuntimeException e) {
            store.closeImmediately();
            throw new UnreadableRaftStoreException(file, "its maps cannot be opened: " + e.getMessage(), e);
        }
    }

    /**
     * A store that keeps everything in memory, for the simulator: its log lives as long as the
     * object and is lost with the process.
     */
    static MvStoreRaftStore inMemory() {
        return new MvStoreRaftStore(Path.of("(memory)"), new MVStore.Builder().open());
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void persistAndFlushLocalEndpoint(RaftEndpointPersistentState state) throws IOException {
        writable();
        meta.put(LOCAL_ENDPOINT, RaftLogCodec.encodeLocalEndpoint(state));
        commit();
    }

    @Override
    public synchronized void persistAndFlushInitialGroupMembers(RaftGroupMembersView members) throws IOException {
        writable();
        meta.put(INITIAL_MEMBERS, RaftLogCodec.encodeMembersView(members));
        commit();
    }

    @Override
    public synchronized void persistAndFlushTerm(RaftTermPersistentState state) throws IOException {
        writable();
        meta.put(TERM, RaftLogCodec.encodeTerm(state));
        commit();
    }

    @Override
    public synchronized void persistLogEntries(List<LogEntry> entries) throws IOException {
        writable();
        for (LogEntry entry : entries) {
            log.put(entry.getIndex(), RaftLogCodec.encodeLogEntry(entry));
        }
    }

    @Override
    public synchronized void persistSnapshotChunk(SnapshotChunk chunk) throws IOException {
        writable();
        snapshotChunks.put(
                chunkKey(chunk.getIndex(), chunk.getSnapshotChunkIndex()), RaftLogCodec.encodeSnapshotChunk(chunk));
    }

    @Override
    public synchronized void truncateLogEntriesFrom(long logIndexInclusive) throws IOException {
        writable();
        for (Long index = log.ceilingKey(logIndexInclusive); index != null; index = log.higherKey(index)) {
            log.remove(index);
        }
    }

    @Override
    public synchronized void truncateLogEntriesUntil(long logIndexInclusive) throws IOException {
        writable();
        for (Long index = log.floorKey(logIndexInclusive); index != null; index = log.lowerKey(index)) {
            log.remove(index);
        }
        // Chunks of older snapshots are no longer needed once a later snapshot is complete.
        String firstKeptChunk = chunkKey(logIndexInclusive, 0);
        for (String key = snapshotChunks.lowerKey(firstKeptChunk); key != null; key = snapshotChunks.lowerKey(key)) {
            snapshotChunks.remove(key);
        }
    }

    @Override
    public synchronized void deleteSnapshotChunks(long logIndex, int snapshotChunkCount) throws IOException {
        writable();
        for (int chunk = 0; chunk < snapshotChunkCount; chunk++) {
            snapshotChunks.remove(chunkKey(logIndex, chunk));
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        writable();
        commit();
    }

    /**
     * What a restarting member needs to rejoin: empty when the member never started (or died
     * before it had recorded its endpoint and initial members, when nothing can have been
     * committed by it).
     *
     * @throws UnreadableRaftStoreException if a record in the file does not decode
     */
    public synchronized Optional<RestoredRaftState> restoredState() {
        try {
            return readRestoredState();
        } catch (RaftLogCodec.MalformedRecordException | IllegalStateException e) {
            throw new UnreadableRaftStoreException(file, "malformed record: " + e.getMessage(), e);
        }
    }

    private Optional<RestoredRaftState> readRestoredState() {
        byte[] endpointBytes = meta.get(LOCAL_ENDPOINT);
        byte[] membersBytes = meta.get(INITIAL_MEMBERS);
        if (endpointBytes == null || membersBytes == null) {
            if (!log.isEmpty() || !snapshotChunks.isEmpty()) {
                throw new IllegalStateException("it holds log entries or snapshots but no member identity");
            }
            return Optional.empty();
        }
        RaftEndpointPersistentState endpoint = RaftLogCodec.decodeLocalEndpoint(endpointBytes);
        RaftGroupMembersView initialMembers = RaftLogCodec.decodeMembersView(membersBytes);
        byte[] termBytes = meta.get(TERM);
        RaftTermPersistentState term = termBytes != null
                ? RaftLogCodec.decodeTerm(termBytes)
                : MODEL.createRaftTermPersistentStateBuilder()
                        .setTerm(0)
                        .setVotedFor(null)
                        .build();
        SnapshotEntry snapshot = latestCompleteSnapshot();
        long snapshotIndex = snapshot != null ? snapshot.getIndex() : 0;
        return Optional.of(new RestoredRaftState(endpoint, initialMembers, term, snapshot, logAfter(snapshotIndex)));
    }

    private SnapshotEntry latestCompleteSnapshot() {
        Map<Long, TreeMap<Integer, SnapshotChunk>> byIndex = new TreeMap<>();
        for (Map.Entry<String, byte[]> entry : snapshotChunks.entrySet()) {
            SnapshotChunk chunk = RaftLogCodec.decodeSnapshotChunk(entry.getValue());
            byIndex.computeIfAbsent(chunk.getIndex(), i -> new TreeMap<>()).put(chunk.getSnapshotChunkIndex(), chunk);
        }
        SnapshotEntry latest = null;
        for (TreeMap<Integer, SnapshotChunk> chunks : byIndex.values()) {
            SnapshotChunk first = chunks.firstEntry().getValue();
            if (chunks.size() == first.getSnapshotChunkCount()) {
                latest = MODEL.createSnapshotEntryBuilder()
                        .setIndex(first.getIndex())
                        .setTerm(first.getTerm())
                        .setSnapshotChunks(new ArrayList<>(chunks.values()))
                        .setGroupMembersView(first.getGroupMembersView())
                        .build();
            }
        }
        return latest;
    }

    /**
     * The log after the snapshot, up to the first gap: MicroRaft's log must be contiguous, and
     * entries past a gap were never acknowledged by this member, so the leader sends them again.
     */
    private List<LogEntry> logAfter(long snapshotIndex) {
        List<LogEntry> entries = new ArrayList<>();
        long expected = snapshotIndex + 1;
        for (Long index = log.ceilingKey(expected); index != null; index = log.higherKey(index)) {
            if (index != expected) {
                LOG.warn(
                        "Raft store {}: log has a gap at index {} (next stored entry {}); ignoring the rest",
                        file,
                        expected,
                        index);
                break;
            }
            LogEntry entry = RaftLogCodec.decodeLogEntry(log.get(index));
            if (entry.getIndex() != expected) {
                throw new IllegalStateException(
                        "log entry stored at index " + expected + " says index " + entry.getIndex());
            }
            entries.add(entry);
            expected++;
        }
        return entries;
    }

    /** MicroRaft terminates its node's components, this store among them. */
    @Override
    public void onRaftNodeTerminate() {
        close();
    }

    /** Commits what was written and closes the file; idempotent. */
    @Override
    public synchronized void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }

    /** For tests: drops the file handle without committing, as a killed process would. */
    synchronized void simulateCrash() {
        if (!store.isClosed()) {
            store.closeImmediately();
        }
    }

    private void writable() throws IOException {
        if (store.isClosed()) {
            throw new IOException("Raft store " + file + " is closed");
        }
    }

    private void commit() throws IOException {
        try {
            store.commit();
        } catch (RuntimeException e) {
            throw new IOException("Raft store " + file + " could not commit: " + e.getMessage(), e);
        }
    }

    private static String chunkKey(long snapshotIndex, int chunkIndex) {
        return String.format("%019d/%010d", snapshotIndex, chunkIndex);
    }
}
