package dev.atoll.control.raft;

import io.microraft.statemachine.StateMachine;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Presents a {@link ReplicatedStateMachine} to MicroRaft: commands are {@code byte[]}, the group's
 * own {@link GroupMarker} entries are skipped, a snapshot is one chunk.
 */
final class ReplicatedMachineAdapter implements StateMachine {
    private final ReplicatedStateMachine machine;
    /** The index of the last entry applied (or restored from a snapshot), for the operator's apply lag. */
    private volatile long lastApplied;

    ReplicatedMachineAdapter(ReplicatedStateMachine machine) {
        this.machine = Objects.requireNonNull(machine, "machine");
    }

    ReplicatedStateMachine machine() {
        return machine;
    }

    long lastApplied() {
        return lastApplied;
    }

    @Override
    public Object runOperation(long commitIndex, Object operation) {
        lastApplied = commitIndex;
        return switch (operation) {
            case byte[] command -> machine.apply(commitIndex, command);
            case GroupMarker marker -> null;
            default ->
                throw new IllegalArgumentException("a Raft group only replicates byte[] commands, not "
                        + operation.getClass().getName());
        };
    }

    @Override
    public void takeSnapshot(long commitIndex, Consumer<Object> snapshotChunkConsumer) {
        snapshotChunkConsumer.accept(machine.snapshot());
    }

    @Override
    public void installSnapshot(long commitIndex, List<Object> snapshotChunks) {
        lastApplied = commitIndex;
        if (snapshotChunks.size() == 1) {
            machine.restore((byte[]) snapshotChunks.getFirst());
            return;
        }
        // Only a snapshot written by another implementation could have several chunks; join them.
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (Object chunk : snapshotChunks) {
            joined.writeBytes((byte[]) chunk);
        }
        machine.restore(joined.toByteArray());
    }

    @Override
    public Object getNewTermOperation() {
        return GroupMarker.NEW_TERM;
    }
}
