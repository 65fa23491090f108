package dev.atoll.cli.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.cli.testing.Cli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `atoll site --rebalance` turns on the site's overload relief (SiteRebalancer), as `atoll dev
 * --rebalance` does at each of its sites; without it nothing moves by itself.
 */
class SiteRebalanceFlagTest {
    private static final String MARK = "618";

    @TempDir
    Path dir;

    private final SiteProcesses sites = new SiteProcesses(MARK);

    @AfterEach
    void stopEverything() throws InterruptedException {
        // What the sites said, for the test's report.
        System.out.println(sites.output());
        sites.close();
    }

    private List<String> site(String name, int wire, int api, String... extra) {
        return SiteProcesses.siteArgs(name, "127.0.0.1:" + wire, "127.0.0.1:" + api, dir.resolve(name), extra);
    }

    @Test
    void theSiteHelpSaysWhatRebalanceDoesAndThatItIsOff() {
        var result = Cli.run("site", "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .contains("--rebalance")
                .contains("above 85%/90%")
                .contains("off by default");
    }

    @Test
    void aSitePlansByItselfOnlyWhenToldHowOftenAndNotMoreThanEveryTenSeconds() {
        assertThat(Cli.run("site", "--help").out()).contains("--plan-every").contains("only when asked");

        int base = dev.atoll.cli.testing.FreePorts.range(3);
        var tooOften =
                Cli.run(site("london", base, base + 2, "--plan-every", "2s").toArray(String[]::new));

        assertThat(tooOften.exitCode()).isEqualTo(2);
        assertThat(tooOften.err()).contains("--plan-every: must be 10s or more");
    }

    @Test
    void aSiteStartedWithRebalanceRelievesItsOverloadedNodesAndOneWithoutDoesNot() throws Exception {
        // Given two sites of their own clouds, london with --rebalance and paris without
        int base = dev.atoll.cli.testing.FreePorts.range(30);
        sites.spawn("london", site("london", base, base + 20, "--rebalance"));
        sites.spawn("paris", site("paris", base + 10, base + 21));

        // When both have started (a site of one controller prints its start line once it acts as
        // the site, rebalancer and all)
        await("both sites started")
                .atMost(Duration.ofSeconds(60))
                .until(() -> sites.output().contains("[london] first site of a new cloud")
                        && sites.output().contains("[paris] first site of a new cloud"));

        // Then london runs the rebalancer with the default policy, and paris none
        assertThat(sites.output())
                .contains("[london] site london relieves its overloaded nodes (--rebalance): above 85% cpu"
                        + " or 90% memory for 60 s")
                .doesNotContain("site paris relieves");
    }
}
