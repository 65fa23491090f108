package dev.atoll.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.sim.cloud.Simulation;
import dev.atoll.sim.report.SimReport;
import dev.atoll.sim.report.SummaryText;
import dev.atoll.sim.scenario.Scenario;
import dev.atoll.sim.scenario.ScenarioParser;
import dev.atoll.sim.scenario.ScenarioPlanner;
import dev.atoll.sim.scenario.ScenarioResult;
import dev.atoll.sim.scenario.ShippedScenarios;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The chaos scenario, cut short, for many seeds: random node and site crashes, partitions, slow
 * links, controller restarts and lost messages under churn, with every invariant checked as it
 * runs. Then every seed that ever broke one (src/test/resources/regression-seeds.txt). The number
 * of seeds is {@code -Datoll.chaos.seeds=N} (default 200, about 3 minutes on 2 cores).
 */
class ChaosSeedsTest {
    private static final Duration PLAYED = Duration.ofSeconds(30);

    private static Scenario shipped(String name) {
        String text = ShippedScenarios.text(name).orElseThrow();
        return ((ScenarioResult.Parsed) ScenarioParser.parse(text)).scenario();
    }

    private record Run(String scenario, long seed, Duration played) {}

    private static List<String> play(List<Run> runs) throws Exception {
        // Every run is single-threaded and independent: use both cores.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<SimReport>> reports = new ArrayList<>();
            for (Run run : runs) {
                reports.add(pool.submit(() -> {
                    Scenario scenario = shipped(run.scenario()).playedFor(run.played());
                    var plan = ScenarioPlanner.plan(scenario, Scenario.NO_VARIANT, run.seed());
                    var options = Simulation.Options.defaults().withInvariantPeriod(Duration.ofMillis(250));
                    return Simulation.run(plan, options).report();
                }));
            }
            List<String> broken = new ArrayList<>();
            long simulated = 0;
            for (Future<SimReport> f : reports) {
                SimReport r = f.get();
                simulated += Math.round(r.simulatedSeconds());
                if (!r.violations().isEmpty()) broken.add(SummaryText.of(r));
            }
            System.out.println(
                    runs.size() + " runs, " + simulated + " simulated seconds, " + broken.size() + " broken");
            return broken;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void givenManySeedsOfChaos_whenEachIsPlayed_thenEveryInvariantHolds() throws Exception {
        int seeds = Integer.getInteger("atoll.chaos.seeds", 200);
        List<Run> runs = LongStream.rangeClosed(1, seeds)
                .mapToObj(seed -> new Run("chaos", seed, PLAYED))
                .toList();

        assertThat(play(runs)).isEmpty();
    }

    @Test
    void givenEverySeedThatOnceBrokeAnInvariant_whenReplayed_thenItHoldsNow() throws Exception {
        List<Run> runs = new ArrayList<>();
        try (InputStream in = ChaosSeedsTest.class.getResourceAsStream("/regression-seeds.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String content = line.replaceAll("#.*", "").trim();
                if (content.isEmpty()) continue;
                String[] fields = content.split("\\s+");
                runs.add(new Run(fields[0], Long.parseLong(fields[1]), Duration.parse("PT" + fields[2].toUpperCase())));
            }
        } catch (IOException e) {
            throw new AssertionError("regression-seeds.txt cannot be read", e);
        }

        assertThat(play(runs)).isEmpty();
    }
}
