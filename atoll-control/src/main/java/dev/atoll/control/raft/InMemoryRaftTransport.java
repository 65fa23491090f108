package dev.atoll.control.raft;

import io.microraft.RaftEndpoint;
import io.microraft.RaftNode;
import io.microraft.model.message.RaftMessage;
import io.microraft.transport.Transport;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Raft messages between members that live in the same process: a message is handed to the target
 * node, which queues it on its own Raft thread. A member that is not connected (never started or
 * stopped) is unreachable and its messages are dropped, as a network would drop them. {@link #send}
 * never blocks and never throws, as MicroRaft requires.
 */
public final class InMemoryRaftTransport implements Transport {
    private final Map<RaftEndpoint, RaftNode> nodes = new ConcurrentHashMap<>();

    public void connect(RaftNode node) {
        nodes.put(node.getLocalEndpoint(), node);
    }

    public void disconnect(RaftEndpoint endpoint) {
        nodes.remove(endpoint);
    }

    @Override
    public void send(RaftEndpoint target, RaftMessage message) {
        RaftNode node = nodes.get(target);
        if (node == null) {
            return;
        }
        try {
            node.handle(message);
        } catch (RejectedExecutionException e) {
            // The target is shutting down between our lookup and its queue: the message is lost,
            // which Raft tolerates.
        }
    }

    @Override
    public boolean isReachable(RaftEndpoint endpoint) {
        return nodes.containsKey(endpoint);
    }
}
