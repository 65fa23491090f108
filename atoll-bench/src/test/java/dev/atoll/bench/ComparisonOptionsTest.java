package dev.atoll.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.bench.ComparisonOptions.Parsed;
import dev.atoll.bench.ComparisonOptions.Peer;
import dev.atoll.bench.instance.InstanceShape;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ComparisonOptionsTest {
    private static ComparisonOptions ok(String... args) {
        Parsed parsed = ComparisonOptions.parse(args);
        assertThat(parsed).isInstanceOf(Parsed.Ok.class);
        return ((Parsed.Ok) parsed).options();
    }

    private static String invalid(String... args) {
        Parsed parsed = ComparisonOptions.parse(args);
        assertThat(parsed).isInstanceOf(Parsed.Invalid.class);
        return ((Parsed.Invalid) parsed).message();
    }

    @Test
    void byDefaultPlacesTheIssuesInstanceAgainstEveryPeer() {
        ComparisonOptions o = ok();

        assertThat(o.main()).isEqualTo(new InstanceShape(100_000, 5_000, 100, 1));
        assertThat(o.btrplaceSlice()).isEqualTo(new InstanceShape(5_000, 500, 10, 1));
        assertThat(o.timefoldSlice()).isEqualTo(new InstanceShape(1_000, 100, 10, 1));
        assertThat(o.peers()).isEqualTo(EnumSet.allOf(Peer.class));
    }

    @Test
    void quickShrinksTheDefaultsButNotWhatIsGiven() {
        ComparisonOptions o = ok("--quick", "--seed", "9", "--instances", "20000");

        assertThat(o.main()).isEqualTo(new InstanceShape(20_000, 500, 20, 9));
        assertThat(o.btrplaceSlice()).isEqualTo(new InstanceShape(1_000, 100, 5, 9));
        assertThat(o.timefoldSeconds()).isEqualTo(5);
        assertThat(o.cloudsimSeconds()).isEqualTo(30);
    }

    @Test
    void slicesNeverExceedTheMainInstance() {
        ComparisonOptions o = ok("--instances", "300", "--nodes", "40", "--sites", "4");

        assertThat(o.btrplaceSlice()).isEqualTo(new InstanceShape(300, 40, 4, 1));
        assertThat(o.timefoldSlice()).isEqualTo(new InstanceShape(300, 40, 4, 1));
    }

    @Test
    void givesTheLoadToEveryInstance() {
        ComparisonOptions o = ok("--load", "0.75");

        assertThat(o.main().cpuLoad()).isEqualTo(0.75);
        assertThat(o.btrplaceSlice().cpuLoad()).isEqualTo(0.75);
        assertThat(o.timefoldSlice().cpuLoad()).isEqualTo(0.75);
    }

    @Test
    void takesAListOfPeersOrNone() {
        assertThat(ok("--peers", "timefold,cloudsim").peers()).containsExactlyInAnyOrder(Peer.TIMEFOLD, Peer.CLOUDSIM);
        assertThat(ok("--peers", "none").peers()).isEmpty();
    }

    @Test
    void namesTheFlagAndTheReasonOfABadValue() {
        assertThat(invalid("--instances", "many")).isEqualTo("--instances: not a whole number: many");
        assertThat(invalid("--runs", "0")).isEqualTo("--runs: must be between 1 and 100, got 0");
        assertThat(invalid("--peers", "kubernetes")).contains("--peers: unknown peer kubernetes");
        assertThat(invalid("--nodes", "2", "--sites", "5")).contains("nodes must be between");
        assertThat(invalid("--seed")).isEqualTo("--seed: a value is missing");
        assertThat(invalid("--fast")).contains("unknown option --fast");
        assertThat(invalid("--load", "2")).isEqualTo("--load: must be between 0.05 and 1, got 2");
        assertThat(invalid("--load", "most")).isEqualTo("--load: not a number: most");
    }

    @Test
    void helpIsNotAnError() {
        assertThat(ComparisonOptions.parse("--help")).isInstanceOf(Parsed.Help.class);
    }
}
