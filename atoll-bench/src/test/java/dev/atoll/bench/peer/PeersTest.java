package dev.atoll.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.bench.check.ConstraintChecker;
import dev.atoll.bench.check.Quality;
import dev.atoll.bench.check.Violations;
import dev.atoll.bench.instance.InstanceGenerator;
import dev.atoll.bench.instance.InstanceShape;
import dev.atoll.bench.instance.PlacementInstance;
import dev.atoll.model.Resources;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each peer places a generated instance through its own API; the checker judges the result. */
class PeersTest {
    private static Outcome.Placed placed(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Placed.class);
        return (Outcome.Placed) outcome;
    }

    @Test
    void cloudSimFirstFitPlacesEveryInstanceWithinCpuAndMemoryAndTheCheckerCountsTheRest() {
        PlacementInstance instance = InstanceGenerator.generate(new InstanceShape(500, 50, 5, 1));

        var outcome =
                placed(new CloudSimSystem(CloudSimSystem.Policy.FIRST_FIT, Duration.ofSeconds(60)).place(instance));

        // CloudSim Plus knows cpu and memory: every instance fits somewhere, none overflows a host.
        assertThat(Quality.of(instance, outcome.nodeOf()).unplaced()).isZero();
        int[] workloadOf = instance.workloadOfInstance();
        long[] cpu = new long[instance.nodes().size()];
        long[] memory = new long[instance.nodes().size()];
        for (int i = 0; i < workloadOf.length; i++) {
            Resources r = instance.workloads().get(workloadOf[i]).service().resources();
            cpu[outcome.nodeOf()[i]] += r.cpuMillis();
            memory[outcome.nodeOf()[i]] += r.memoryBytes();
        }
        for (int n = 0; n < cpu.length; n++) {
            assertThat(cpu[n])
                    .isLessThanOrEqualTo(instance.nodes().get(n).capacity().cpuMillis());
            assertThat(memory[n])
                    .isLessThanOrEqualTo(instance.nodes().get(n).capacity().memoryBytes());
        }
        // First fit: the first instance goes to the first host.
        assertThat(outcome.nodeOf()[0]).isZero();
        // It knows nothing of the other constraints; what it breaks is what the checker counts.
        Violations v = ConstraintChecker.check(instance, outcome.nodeOf());
        assertThat(v.total())
                .isEqualTo(v.overCommittedNodes()
                        + v.outsideJurisdiction()
                        + v.tooFar()
                        + v.underSpread()
                        + v.withoutDriver());
    }

    @Test
    void cloudSimRefusesEveryVmPastItsBudgetAndSaysSo() {
        PlacementInstance instance = InstanceGenerator.generate(new InstanceShape(500, 50, 5, 1));

        var outcome = placed(new CloudSimSystem(CloudSimSystem.Policy.BEST_FIT, Duration.ZERO).place(instance));

        assertThat(Quality.of(instance, outcome.nodeOf()).unplaced()).isEqualTo(500);
        assertThat(outcome.note()).contains("stopped at its 0 s budget with 0 of 500 VMs placed");
    }

    @Test
    void timefoldPlacesATinyInstanceWithoutHardViolation() {
        PlacementInstance instance = InstanceGenerator.generate(new InstanceShape(60, 12, 3, 1));

        var outcome = placed(new TimefoldSystem(Duration.ofSeconds(3)).place(instance));

        assertThat(ConstraintChecker.check(instance, outcome.nodeOf())).isEqualTo(Violations.NONE);
        assertThat(Quality.of(instance, outcome.nodeOf()).unplaced()).isZero();
        assertThat(outcome.note()).contains("0hard");
    }

    @Test
    void btrPlacePlacesATinyInstanceWithoutHardViolation() {
        PlacementInstance instance = InstanceGenerator.generate(new InstanceShape(60, 12, 3, 1));

        var outcome = placed(new BtrPlaceSystem(10).place(instance));

        assertThat(outcome.note()).isEmpty();
        assertThat(ConstraintChecker.check(instance, outcome.nodeOf())).isEqualTo(Violations.NONE);
        assertThat(Quality.of(instance, outcome.nodeOf()).unplaced()).isZero();
    }
}
