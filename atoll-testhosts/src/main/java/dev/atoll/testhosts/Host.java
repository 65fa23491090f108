package dev.atoll.testhosts;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One machine of a {@link TestNetwork}: a network namespace with {@code eth0} on the network's bridge. Processes run
 * inside it with {@code nsenter --net}, so they see only {@code lo} and {@code eth0}; they share the test JVM's file
 * system, mounts and user. ({@code ip netns exec} would also give them a fresh /sys without the cgroup file systems,
 * which containers started on the host need.) Made by {@link TestNetwork#addHost}.
 */
public final class Host {
    static final Duration DEFAULT_EXEC_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final String namespace;
    private final String bridgePort;
    private final InetAddress address;
    private final List<Process> processes = new CopyOnWriteArrayList<>();

    Host(String name, String namespace, String bridgePort, InetAddress address) {
        this.name = name;
        this.namespace = namespace;
        this.bridgePort = bridgePort;
        this.address = address;
    }

    /** The name the test gave it, e.g. {@code london-ctl}. */
    public String name() {
        return name;
    }

    /** The network namespace, for {@code ip netns exec} by hand while debugging. */
    public String namespace() {
        return namespace;
    }

    /** The veth end on the bridge (in the root namespace); {@link #linkDown()} sets it down. */
    public String bridgePort() {
        return bridgePort;
    }

    /** The address of its {@code eth0}, reachable from every other host and from the test JVM. */
    public InetAddress address() {
        return address;
    }

    /**
     * Starts {@code command} inside the host, with {@code env} added to the test JVM's environment, stdout and stderr
     * appended to {@code logFile}. The host keeps track of it: {@link TestNetwork#close()} kills it if still running.
     */
    public Process start(List<String> command, Map<String, String> env, Path logFile) {
        List<String> full = inNamespace(command);
        try {
            Path parent = logFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ProcessBuilder builder = new ProcessBuilder(full)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(env);
            Process process = builder.start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new HostCommandException(full, "could not be started on host " + name + " (" + e + ")", "");
        }
    }

    /** Kills the process and its descendants with SIGKILL, as a crash would, and waits until it is gone. */
    public void kill9(Process process) {
        Commands.killTree(process.toHandle());
        awaitExit(process, Duration.ofSeconds(5));
    }

    /**
     * Asks the process to stop with SIGTERM; after {@code grace} kills it (and its descendants) with SIGKILL. Returns
     * its exit code.
     */
    public int terminate(Process process, Duration grace) {
        process.destroy();
        if (!awaitExit(process, grace)) {
            kill9(process);
        }
        return process.exitValue();
    }

    /** Sets the host's port on the bridge down: the host is cut off from every other host, as in a partition. */
    public void linkDown() {
        Commands.ip("link", "set", "dev", bridgePort, "down");
    }

    /** Heals {@link #linkDown()}. */
    public void linkUp() {
        Commands.ip("link", "set", "dev", bridgePort, "up");
    }

    /** Runs {@code command} inside the host to completion, with a 10 s timeout. */
    public ExecResult exec(List<String> command) {
        return exec(command, DEFAULT_EXEC_TIMEOUT);
    }

    /**
     * Runs {@code command} inside the host to completion. A command still running at {@code timeout} is killed and
     * reported with {@link ExecResult#timedOut()}; a non-zero exit is a result, not an exception.
     */
    public ExecResult exec(List<String> command, Duration timeout) {
        List<String> full = inNamespace(command);
        Commands.Outcome outcome = Commands.run(full, timeout, true);
        return new ExecResult(command, outcome.exitCode(), outcome.stdout(), outcome.timedOut());
    }

    /**
     * Whether a TCP connection from this host to {@code target:port} opens within {@code timeout}. Uses bash's
     * {@code /dev/tcp}, so it costs a fork, not a JVM start.
     */
    public boolean canConnect(InetAddress target, int port, Duration timeout) {
        String seconds = String.format(java.util.Locale.ROOT, "%.3f", timeout.toMillis() / 1000.0);
        ExecResult result = exec(
                List.of(
                        "timeout",
                        seconds,
                        "bash",
                        "-c",
                        "exec 3<>/dev/tcp/\"$0\"/\"$1\"",
                        target.getHostAddress(),
                        Integer.toString(port)),
                timeout.plusSeconds(5));
        return result.succeeded();
    }

    /** The processes {@link #start} started that are still running. */
    public List<Process> runningProcesses() {
        return processes.stream().filter(Process::isAlive).toList();
    }

    void killAll() {
        List<Process> all = new ArrayList<>(processes);
        all.forEach(p -> Commands.killTree(p.toHandle()));
        all.forEach(p -> awaitExit(p, Duration.ofSeconds(5)));
    }

    private List<String> inNamespace(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command for host " + name);
        }
        List<String> full = new ArrayList<>(command.size() + 4);
        full.addAll(List.of("nsenter", "--net=/var/run/netns/" + namespace, "--"));
        full.addAll(command);
        return full;
    }

    private static boolean awaitExit(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return "Host[" + name + " " + address.getHostAddress() + " netns " + namespace + "]";
    }
}
