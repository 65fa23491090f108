package dev.atoll.cli.deploy;

import dev.atoll.cli.Text;
import dev.atoll.cli.client.ApiClient;
import dev.atoll.cli.client.RemoteEnvironment;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.view.EnvironmentView.ServiceStatus;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Watches a deployed environment until it is ready, cannot become ready, or time runs out, printing
 * a line per service whenever its counts change. Deciding ({@link #judge}) is separate from polling
 * so the decision can be tested on plain values.
 */
public final class DeployProgress {
    /** How many instance ids to name per reason before saying "and N more". */
    private static final int IDS_SHOWN = 3;

    private final ApiClient client;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Clock clock;
    private final Duration pollEvery;
    private final Duration timeout;

    public DeployProgress(
            ApiClient client, PrintWriter out, PrintWriter err, Clock clock, Duration pollEvery, Duration timeout) {
        this.client = client;
        this.out = out;
        this.err = err;
        this.clock = clock;
        this.pollEvery = pollEvery;
        this.timeout = timeout;
    }

    /** What one look at the environment says. */
    public sealed interface Verdict {
        record Ready(int running, int desired, int sites) implements Verdict {}

        /** Some instance cannot run (unplaceable, failed): waiting longer will not help. */
        record Failing(List<String> reasons) implements Verdict {}

        record Waiting() implements Verdict {}
    }

    /**
     * Polls until a verdict other than waiting, or until {@code started + timeout}. Returns whether
     * the environment is ready; the reasons why not are printed on the error stream.
     */
    public boolean await(String environment, Instant started) {
        Instant deadline = started.plus(timeout);
        Map<String, String> printed = new HashMap<>();
        while (true) {
            Optional<RemoteEnvironment> env = client.environment(environment);
            if (env.isEmpty()) {
                err.println("error: environment " + environment + " no longer exists (was it deleted?)");
                return false;
            }
            List<InstanceView> instances = client.instances(Optional.of(environment), Optional.empty());
            for (var line : serviceLines(env.get(), instances).entrySet()) {
                if (!line.getValue().equals(printed.put(line.getKey(), line.getValue()))) out.println(line.getValue());
            }
            switch (judge(env.get(), instances)) {
                case Verdict.Ready r -> {
                    out.println("environment " + environment + " is ready: " + r.running() + "/" + r.desired()
                            + " instances running in " + Text.count(r.sites(), "site") + " ("
                            + Text.seconds(Duration.between(started, clock.instant())) + ")");
                    return true;
                }
                case Verdict.Failing f -> {
                    err.println("error: environment " + environment + " cannot become ready:");
                    f.reasons().forEach(reason -> err.println("  " + reason));
                    return false;
                }
                case Verdict.Waiting w -> {
                    // keep polling
                }
            }
            if (!clock.instant().isBefore(deadline)) {
                err.println("error: environment " + environment + " is not ready after " + Text.seconds(timeout) + ":");
                serviceLines(env.get(), instances).values().forEach(line -> err.println("  " + line));
                notRunningReasons(instances).forEach(reason -> err.println("  " + reason));
                return false;
            }
            try {
                Thread.sleep(pollEvery);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("error: interrupted while waiting for environment " + environment);
                return false;
            }
        }
    }

    /** Ready when the API says so and every replica runs the current spec; failing when one cannot run. */
    public static Verdict judge(RemoteEnvironment env, List<InstanceView> instances) {
        var hopeless = instances.stream()
                .filter(i -> i.state() == InstanceState.UNPLACEABLE || i.state() == InstanceState.FAILED)
                .toList();
        if (!hopeless.isEmpty()) return new Verdict.Failing(reasons(hopeless));
        if ("unplaceable".equals(env.status())) {
            var reasons = new ArrayList<String>();
            for (ServiceStatus s : env.services()) {
                if (s.message() != null && !s.message().isBlank()) reasons.add(s.name() + ": " + s.message());
            }
            if (reasons.isEmpty()) reasons.add("the API reports the environment as unplaceable");
            return new Verdict.Failing(reasons);
        }
        if (env.isReady()) {
            long sites = instances.stream()
                    .filter(i -> i.state() == InstanceState.RUNNING)
                    .map(InstanceView::site)
                    .distinct()
                    .count();
            return new Verdict.Ready(env.runningReplicas(), env.desiredReplicas(), (int) sites);
        }
        return new Verdict.Waiting();
    }

    /** Per service, in spec order: "web: 4/6 running (updated 6/6, 2 starting)". */
    public static Map<String, String> serviceLines(RemoteEnvironment env, List<InstanceView> instances) {
        var lines = new LinkedHashMap<String, String>();
        for (ServiceStatus s : env.services()) {
            var others = new TreeMap<String, Integer>();
            for (InstanceView i : instances) {
                if (i.service().equals(s.name()) && i.state() != InstanceState.RUNNING) {
                    others.merge(i.state().wireName(), 1, Integer::sum);
                }
            }
            var line = new StringBuilder(s.name() + ": " + s.running() + "/" + s.desired() + " running (updated "
                    + s.updated() + "/" + s.desired());
            others.forEach((state, n) -> line.append(", ").append(n).append(' ').append(state));
            lines.put(s.name(), line.append(')').toString());
        }
        return lines;
    }

    /** "hello.web.0, hello.web.1 unplaceable: 0 of 9 nodes fit: ...", one line per distinct reason. */
    private static List<String> reasons(List<InstanceView> instances) {
        var byReason = new LinkedHashMap<String, List<String>>();
        for (InstanceView i : instances) {
            String message = i.message() == null || i.message().isBlank() ? "no reason given" : i.message();
            byReason.computeIfAbsent(i.state().wireName() + ": " + message, k -> new ArrayList<>())
                    .add(i.id());
        }
        var lines = new ArrayList<String>();
        byReason.forEach((reason, ids) -> {
            String shown = String.join(", ", ids.subList(0, Math.min(IDS_SHOWN, ids.size())));
            if (ids.size() > IDS_SHOWN) shown += " and " + (ids.size() - IDS_SHOWN) + " more";
            lines.add(shown + " " + reason);
        });
        return lines;
    }

    private static List<String> notRunningReasons(List<InstanceView> instances) {
        return reasons(instances.stream()
                .filter(i -> i.state() != InstanceState.RUNNING)
                .filter(i -> i.message() != null && !i.message().isBlank())
                .toList());
    }
}
