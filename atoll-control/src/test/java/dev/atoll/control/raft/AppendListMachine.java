package dev.atoll.control.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A test state machine: appends each command (as text) to a list and answers the new length. */
final class AppendListMachine implements ReplicatedStateMachine {
    private final List<String> items = new ArrayList<>();
    private long lastCommitIndex;
    private int restores;

    static byte[] command(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized Object apply(long commitIndex, byte[] command) {
        if (commitIndex <= lastCommitIndex) {
            throw new AssertionError("applied index " + commitIndex + " after " + lastCommitIndex);
        }
        lastCommitIndex = commitIndex;
        items.add(new String(command, StandardCharsets.UTF_8));
        return items.size();
    }

    @Override
    public synchronized byte[] snapshot() {
        return String.join("\n", items).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void restore(byte[] snapshot) {
        restores++;
        items.clear();
        String text = new String(snapshot, StandardCharsets.UTF_8);
        if (!text.isEmpty()) {
            items.addAll(Arrays.asList(text.split("\n", -1)));
        }
    }

    synchronized List<String> items() {
        return List.copyOf(items);
    }

    synchronized int restores() {
        return restores;
    }
}
