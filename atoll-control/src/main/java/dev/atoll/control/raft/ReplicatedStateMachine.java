package dev.atoll.control.raft;

/**
 * A deterministic state machine that a Raft group replicates. Commands are opaque bytes to Raft:
 * the owner serialises them. {@link #apply} runs in log order on every member, on the leader as on
 * followers and at restart, and must give the same result everywhere.
 */
public interface ReplicatedStateMachine {
    /** Applies one committed command and returns the caller's response (null allowed). */
    Object apply(long commitIndex, byte[] command);

    /** The whole state, to write as a Raft snapshot. */
    byte[] snapshot();

    /** Replaces the whole state with a snapshot taken by {@link #snapshot()}. */
    void restore(byte[] snapshot);
}
