package dev.atoll.bench.check;

import static dev.atoll.bench.Fixtures.FRANKFURT_N1;
import static dev.atoll.bench.Fixtures.LONDON_N1;
import static dev.atoll.bench.Fixtures.LONDON_N2;
import static dev.atoll.bench.Fixtures.PARIS_N1;
import static dev.atoll.bench.Fixtures.PARIS_N2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.atoll.bench.Fixtures;
import dev.atoll.bench.instance.InstanceGenerator;
import dev.atoll.bench.instance.InstanceShape;
import dev.atoll.bench.instance.PlacementInstance;
import dev.atoll.bench.peer.AtollSystem;
import dev.atoll.bench.peer.Outcome;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ConstraintCheckerTest {
    private final PlacementInstance instance = Fixtures.threeSites();

    /** eu-web on Paris and Frankfurt n1, near-london on both London nodes, batch on Paris n2. */
    private static int[] aValidPlacement() {
        return new int[] {PARIS_N1, FRANKFURT_N1, LONDON_N1, LONDON_N2, PARIS_N2, PARIS_N2};
    }

    @Test
    void findsNothingWrongWithAValidPlacement() {
        assertThat(ConstraintChecker.check(instance, aValidPlacement())).isEqualTo(Violations.NONE);
    }

    @Test
    void countsANodeGivenMoreCpuThanItHas() {
        // Five 1-core replicas on Paris n1 (4 cores); Paris is within 10 ms of London (8.4 ms).
        int[] placement = {PARIS_N1, FRANKFURT_N1, PARIS_N1, PARIS_N1, PARIS_N1, PARIS_N1};
        assertThat(ConstraintChecker.check(instance, placement)).isEqualTo(new Violations(1, 0, 0, 0, 0, 0));
    }

    @Test
    void countsANodeGivenMoreInstancesThanItHasSlots() {
        var nodes = instance.nodes().stream()
                .map(n -> new dev.atoll.model.topology.NodeInfo(
                        n.site(), n.name(), n.capacity(), 1, n.drivers(), n.tags()))
                .toList();
        var oneSlotEach = new PlacementInstance(instance.seed(), instance.sites(), nodes, instance.workloads());
        int[] placement = aValidPlacement(); // batch: both on Paris n2
        assertThat(ConstraintChecker.check(oneSlotEach, placement).overCommittedNodes())
                .isEqualTo(1);
    }

    @Test
    void countsAnInstanceOutsideItsJurisdiction() {
        int[] placement = aValidPlacement();
        placement[1] = LONDON_N1; // eu-web in the UK; still two sites, and n1 runs oci
        assertThat(ConstraintChecker.check(instance, placement)).isEqualTo(new Violations(0, 1, 0, 0, 0, 0));
    }

    @Test
    void countsAnInstanceFartherFromItsUsersThanTheirBound() {
        int[] placement = aValidPlacement();
        placement[3] = FRANKFURT_N1; // near-london in Frankfurt: 11.4 ms away, bound 10
        assertThat(ConstraintChecker.check(instance, placement)).isEqualTo(new Violations(0, 0, 1, 0, 0, 0));
    }

    @Test
    void countsAServiceOnFewerSitesThanItsSpreadAsks() {
        int[] placement = aValidPlacement();
        placement[1] = PARIS_N1; // both eu-web replicas in Paris
        assertThat(ConstraintChecker.check(instance, placement)).isEqualTo(new Violations(0, 0, 0, 1, 0, 0));
    }

    @Test
    void countsASpreadBrokenByAServicePlacedHalfWaySeparately() {
        int[] placement = aValidPlacement();
        placement[1] = -1; // one eu-web replica placed: one site is all it can cover, so spread holds
        assertThat(ConstraintChecker.check(instance, placement)).isEqualTo(Violations.NONE);

        var threeReplicas = Fixtures.threeSites().workloads().get(0).service().withReplicas(3);
        var workloads = new java.util.ArrayList<>(instance.workloads());
        workloads.set(
                0,
                new dev.atoll.bench.instance.Workload(
                        threeReplicas, instance.workloads().get(0).users()));
        var bigger = new PlacementInstance(instance.seed(), instance.sites(), instance.nodes(), workloads);
        // Two of three eu-web replicas, both in Paris: the spread is broken by a service placed half-way.
        int[] partly = {PARIS_N1, PARIS_N1, -1, LONDON_N1, LONDON_N2, PARIS_N2, PARIS_N2};
        assertThat(ConstraintChecker.check(bigger, partly)).isEqualTo(new Violations(0, 0, 0, 1, 1, 0));
    }

    @Test
    void countsAnInstanceOnANodeWithoutItsDriver() {
        int[] placement = aValidPlacement();
        placement[0] = PARIS_N2; // eu-web is oci, Paris n2 runs processes only
        assertThat(ConstraintChecker.check(instance, placement)).isEqualTo(new Violations(0, 0, 0, 0, 0, 1));
    }

    @Test
    void refusesAPlacementOfAnotherShape() {
        assertThatThrownBy(() -> ConstraintChecker.check(instance, new int[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 instances");
        int[] unknownNode = aValidPlacement();
        unknownNode[0] = 6;
        assertThatThrownBy(() -> ConstraintChecker.check(instance, unknownNode))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node 6");
    }

    @Test
    void atollPlacesASmallGeneratedInstanceWithoutViolation() {
        PlacementInstance generated = InstanceGenerator.generate(new InstanceShape(500, 50, 5, 1));

        var outcome = (Outcome.Placed) new AtollSystem(0, 1).place(generated);

        assertThat(ConstraintChecker.check(generated, outcome.nodeOf())).isEqualTo(Violations.NONE);
        assertThat(Arrays.stream(outcome.nodeOf()).filter(n -> n < 0)).isEmpty();
    }
}
