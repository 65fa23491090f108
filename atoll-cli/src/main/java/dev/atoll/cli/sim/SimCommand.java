package dev.atoll.cli.sim;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.model.spec.FieldError;
import dev.atoll.sim.cloud.Simulation;
import dev.atoll.sim.report.ReportWriter;
import dev.atoll.sim.report.SimReport;
import dev.atoll.sim.report.SummaryText;
import dev.atoll.sim.scenario.Scenario;
import dev.atoll.sim.scenario.ScenarioParser;
import dev.atoll.sim.scenario.ScenarioPlan;
import dev.atoll.sim.scenario.ScenarioPlanner;
import dev.atoll.sim.scenario.ScenarioResult;
import dev.atoll.sim.scenario.ShippedScenarios;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Runs a scenario on the simulator: the real control plane on virtual time. */
@Command(
        name = "sim",
        mixinStandardHelpOptions = true,
        description = {
            "Run a scenario on the simulator: the real site controllers, Raft and placement on a virtual clock,"
                    + " with simulated sites, nodes and network. Prints a summary; checks invariants after every step"
                    + " and stops at the first broken one with its seed and trace.",
            "SCENARIO is a YAML file or the name of a shipped scenario (see --list). A scenario that turns"
                    + " rebalancing on (hot-spot, drain, follow-the-sun) is also played with it off, and both are"
                    + " printed side by side."
        },
        footerHeading = "%nExample:%n",
        footer = {
            "  atoll sim chaos --seed 7",
            "  atoll sim interoute-16 --report /tmp/interoute-report",
            "  atoll sim hot-spot                # rebalancing beside doing nothing",
            "  atoll sim chaos --seeds 50      # seeds 1..50; exits 1 at the first that breaks an invariant"
        })
public final class SimCommand implements Callable<Integer> {
    @ParentCommand
    private AtollCommand atoll;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO", description = "Scenario file or shipped name.")
    private String scenario;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the run (default ${DEFAULT-VALUE}).")
    private long seed = 1;

    @Option(
            names = "--seeds",
            paramLabel = "COUNT",
            description = "Run COUNT seeds, from --seed on, and print one line each.")
    private int seeds = 0;

    @Option(names = "--report", paramLabel = "DIR", description = "Write report.json and report.html there.")
    private Path report;

    @Option(names = "--events", paramLabel = "FILE", description = "Write the full event log there.")
    private Path eventsFile;

    @Option(names = "--variant", paramLabel = "NAME", description = "Run only this variant of the scenario.")
    private String variant;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            converter = dev.atoll.cli.deploy.DurationConverter.class,
            description = "Play only this much of the scenario (e.g. 30s, 2m); its settle time follows.")
    private java.time.Duration duration;

    @Option(names = "--list", description = "List the shipped scenarios.")
    private boolean list;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Threads that run the sites (default: the machine's cores, ${DEFAULT-VALUE} here). "
                    + "The run is the same event for event with any number.")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() {
        var session = atoll.session();
        PrintWriter out = session.out();
        PrintWriter err = session.err();
        if (list) {
            ShippedScenarios.names().forEach(out::println);
            return ExitCodes.OK;
        }
        if (scenario == null) {
            err.println("error: name a scenario file or a shipped scenario ("
                    + String.join(", ", ShippedScenarios.names()) + ")");
            return ExitCodes.CANNOT_RUN;
        }
        if (seeds < 0) {
            err.println("error: --seeds must be positive, not " + seeds);
            return ExitCodes.CANNOT_RUN;
        }
        if (threads < 1 || threads > 256) {
            err.println("error: --threads must be between 1 and 256, not " + threads);
            return ExitCodes.CANNOT_RUN;
        }
        Optional<String> text = readScenario(scenario, err);
        if (text.isEmpty()) return ExitCodes.CANNOT_RUN;
        Scenario parsed;
        switch (ScenarioParser.parse(text.get())) {
            case ScenarioResult.Parsed p -> parsed = p.scenario();
            case ScenarioResult.Invalid invalid -> {
                err.println("error: scenario " + scenario + " is not valid:");
                for (FieldError e : invalid.errors()) err.println("  " + e);
                return ExitCodes.CANNOT_RUN;
            }
        }
        if (duration != null) {
            if (duration.isZero() || duration.isNegative()) {
                err.println("error: --duration must be positive, not " + duration);
                return ExitCodes.CANNOT_RUN;
            }
            parsed = parsed.playedFor(duration);
        }
        List<String> variants = parsed.variants();
        if (variant != null) {
            if (!variants.contains(variant)) {
                err.println("error: --variant: scenario " + parsed.name() + " has no variant " + variant + "; it has "
                        + variants);
                return ExitCodes.CANNOT_RUN;
            }
            variants = List.of(variant);
        }
        quietLibraries();
        if (seeds > 0) return runSeeds(parsed, variants, out);
        List<SimReport> reports = new ArrayList<>();
        boolean held = true;
        for (String v : variants) {
            ScenarioPlan plan = ScenarioPlanner.plan(parsed, v, seed);
            Simulation.Outcome outcome = runOne(plan, err);
            if (outcome == null) return ExitCodes.CANNOT_RUN;
            reports.add(outcome.report());
            out.println(SummaryText.of(outcome.report()));
            out.println("event log sha256 " + outcome.eventLogSha256() + " (" + outcome.eventLines() + " lines)");
            out.flush();
            held &= outcome.report().violations().isEmpty();
            if (plan.rebalancing().filter(r -> r.enabled()).isPresent()) {
                // The same plan with the rebalancers off: what doing nothing would have cost.
                Simulation.Outcome nothing = Simulation.run(
                        plan.withoutRebalancing(), Simulation.Options.defaults().withThreads(threads));
                out.println(dev.atoll.sim.report.RebalanceComparison.of(outcome.report(), nothing.report()));
                out.flush();
                held &= nothing.report().violations().isEmpty();
            }
        }
        if (reports.size() > 1) out.println(SummaryText.comparison(reports));
        if (report != null) {
            try {
                if (reports.size() > 1) ReportWriter.writeComparison(reports, report);
                else ReportWriter.write(reports.getFirst(), report);
                out.println("report: " + report.resolve("report.html"));
            } catch (IOException e) {
                err.println("error: --report: cannot write " + report + ": " + e.getMessage());
                return ExitCodes.CANNOT_RUN;
            }
        }
        return held ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private Simulation.Outcome runOne(ScenarioPlan plan, PrintWriter err) {
        Simulation.Options options = Simulation.Options.defaults()
                .withThreads(threads)
                .withProgress(line -> {
                    err.println(line);
                    err.flush();
                });
        if (eventsFile == null) return Simulation.run(plan, options);
        try (var writer = Files.newBufferedWriter(eventsFile, StandardCharsets.UTF_8)) {
            return Simulation.run(plan, options.withEventLines(line -> {
                try {
                    writer.write(line);
                    writer.newLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        } catch (IOException | UncheckedIOException e) {
            err.println("error: --events: cannot write " + eventsFile + ": " + e.getMessage());
            return null;
        }
    }

    private int runSeeds(Scenario parsed, List<String> variants, PrintWriter out) {
        int failed = 0;
        for (long s = seed; s < seed + seeds; s++) {
            for (String v : variants) {
                SimReport r = Simulation.run(
                                ScenarioPlanner.plan(parsed, v, s),
                                Simulation.Options.defaults().withThreads(threads))
                        .report();
                String name = v.isEmpty() ? "" : " " + v;
                if (r.violations().isEmpty()) {
                    out.printf(
                            java.util.Locale.ROOT,
                            "seed %d%s: ok (%.0f s simulated in %.1f s)%n",
                            s,
                            name,
                            r.simulatedSeconds(),
                            r.wallSeconds());
                } else {
                    failed++;
                    out.println("seed " + s + name + ": BROKEN");
                    out.println(SummaryText.of(r));
                }
                out.flush();
            }
        }
        out.println(seeds + " seeds, " + failed + " broke an invariant");
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static Optional<String> readScenario(String name, PrintWriter err) {
        Path file = Path.of(name);
        if (Files.isRegularFile(file)) {
            try {
                return Optional.of(Files.readString(file));
            } catch (IOException e) {
                err.println("error: cannot read scenario " + file + ": " + e.getMessage());
                return Optional.empty();
            }
        }
        Optional<String> shipped = ShippedScenarios.text(name);
        if (shipped.isEmpty()) {
            err.println("error: " + name + " is neither a scenario file nor a shipped scenario ("
                    + String.join(", ", ShippedScenarios.names()) + ")");
        }
        return shipped;
    }

    /** Faults are the point of a simulation: what the controllers log about them is noise here. */
    private static void quietLibraries() {
        if (System.getenv("ATOLL_LOG") != null) return;
        var logger = org.slf4j.LoggerFactory.getLogger("dev.atoll");
        if (logger instanceof ch.qos.logback.classic.Logger l) l.setLevel(ch.qos.logback.classic.Level.OFF);
    }
}
