package dev.atoll.control.raft;

/**
 * Log entries of the group's own that the replicated state machine never sees. They exist so that a
 * member can tell when everything committed before them has been applied.
 */
enum GroupMarker {
    /** What a new leader appends first, so it can commit entries of earlier terms. */
    NEW_TERM,
    /** Appended by {@link RaftGroup} to wait until the leader has applied all earlier entries. */
    READ_BARRIER
}
