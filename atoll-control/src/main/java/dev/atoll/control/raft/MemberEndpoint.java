package dev.atoll.control.raft;

import io.microraft.RaftEndpoint;
import java.util.Objects;

/** One controller of a site's Raft group, known by its member id (for example {@code london-1}). */
public record MemberEndpoint(String id) implements RaftEndpoint {
    public MemberEndpoint {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("a Raft member id must not be blank");
        }
    }

    @Override
    public Object getId() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
