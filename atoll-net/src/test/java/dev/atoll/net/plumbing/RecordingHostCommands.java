package dev.atoll.net.plumbing;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Records every command and answers from canned results, or passes commands on to a real {@link HostCommands} and
 * records them. A command without a canned answer succeeds with no output.
 */
final class RecordingHostCommands implements HostCommands {
    private final Optional<HostCommands> delegate;
    private final List<List<String>> commands = new ArrayList<>();
    private final Map<String, Deque<CommandResult>> answers = new HashMap<>();

    private RecordingHostCommands(Optional<HostCommands> delegate) {
        this.delegate = delegate;
    }

    static RecordingHostCommands canned() {
        return new RecordingHostCommands(Optional.empty());
    }

    static RecordingHostCommands forwardingTo(HostCommands delegate) {
        return new RecordingHostCommands(Optional.of(delegate));
    }

    /**
     * Answers {@code commandLine} (the argv joined with single spaces) with each output in turn, instead of what it
     * answered before; the last one keeps answering.
     */
    RecordingHostCommands answer(String commandLine, String... outputs) {
        Deque<CommandResult> queue = new ArrayDeque<>();
        for (String output : outputs) {
            queue.add(CommandResult.ok(output));
        }
        answers.put(commandLine, queue);
        return this;
    }

    RecordingHostCommands fail(String commandLine, int exitCode, String stderr) {
        answers.put(commandLine, new ArrayDeque<>(java.util.List.of(CommandResult.failed(exitCode, stderr))));
        return this;
    }

    @Override
    public synchronized CommandResult run(List<String> argv) throws IOException {
        commands.add(List.copyOf(argv));
        Deque<CommandResult> queue = answers.get(String.join(" ", argv));
        if (queue != null && !queue.isEmpty()) {
            return queue.size() > 1 ? queue.poll() : queue.peek();
        }
        return delegate.isPresent() ? delegate.get().run(argv) : CommandResult.ok("");
    }

    synchronized List<String> commandLines() {
        return commands.stream().map(argv -> String.join(" ", argv)).toList();
    }

    /** The commands that change something: everything but shows, lists and probes. */
    synchronized List<String> changes() {
        return commands.stream()
                .filter(argv -> !isRead(argv))
                .map(argv -> String.join(" ", argv))
                .toList();
    }

    synchronized void forget() {
        commands.clear();
    }

    private static boolean isRead(List<String> argv) {
        return argv.contains("show")
                || argv.equals(List.of("ip", "netns", "list"))
                || argv.getFirst().equals("sh")
                || argv.equals(List.of("busybox", "--list"));
    }
}
