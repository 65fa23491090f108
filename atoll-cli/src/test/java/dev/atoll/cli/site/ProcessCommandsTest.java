package dev.atoll.cli.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `atoll site` and `atoll agent` refuse bad flags with a message naming the flag, before starting anything. */
class ProcessCommandsTest {
    @TempDir
    Path dir;

    private static Cli.Result runWith(String[] base, String[] extra) {
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return Cli.run(all);
    }

    private Cli.Result site(String... extra) {
        String[] base = {
            "site",
            "--name",
            "london",
            "--lat",
            "51.5",
            "--lon",
            "-0.1",
            "--country",
            "GB",
            "--listen",
            "127.0.0.1:7900",
            "--data-dir",
            dir.resolve("site").toString()
        };
        return runWith(base, extra);
    }

    private Cli.Result agent(String... extra) {
        String[] base = {
            "agent",
            "--site",
            "london",
            "--controller",
            "127.0.0.1:7900",
            "--name",
            "n1",
            "--data-dir",
            dir.resolve("agent").toString()
        };
        return runWith(base, extra);
    }

    @Test
    void aLatitudeOutOfRangeIsRefusedNamingTheFlag() {
        var result = Cli.run(
                "site",
                "--name",
                "london",
                "--lat",
                "91",
                "--lon",
                "0",
                "--country",
                "GB",
                "--listen",
                "127.0.0.1:7900",
                "--data-dir",
                dir.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--lat: must be between -90 and 90").doesNotContain("Exception");
    }

    @Test
    void aListenAddressThatIsNotHostPortIsRefused() {
        var result = Cli.run(
                "site",
                "--name",
                "london",
                "--lat",
                "51",
                "--lon",
                "0",
                "--country",
                "GB",
                "--listen",
                "7900",
                "--data-dir",
                dir.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--listen").contains("is not HOST:PORT");
    }

    @Test
    void aSiteNameWithCapitalsIsRefused() {
        var result = Cli.run(
                "site",
                "--name",
                "London",
                "--lat",
                "51",
                "--lon",
                "0",
                "--country",
                "GB",
                "--listen",
                "127.0.0.1:7900",
                "--data-dir",
                dir.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--name: 'London' must be lower-case");
    }

    @Test
    void peersThatListThisControllersOwnListenAddressAreRefused() {
        var result = site("--peers", "127.0.0.1:7910,127.0.0.1:7900");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains("--peers: 127.0.0.1:7900 is this controller's own --listen address")
                .doesNotContain("Exception");
        assertThat(Files.exists(dir.resolve("site"))).as("nothing was created").isFalse();
    }

    @Test
    void peersGivenTwiceAreRefused() {
        var result = site("--peers", "127.0.0.1:7910,127.0.0.1:7910");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--peers: 127.0.0.1:7910 is given twice");
        assertThat(Files.exists(dir.resolve("site"))).as("nothing was created").isFalse();
    }

    @Test
    void anAgentCapacityWithAnUnknownResourceIsRefused() {
        var result = agent("--capacity", "cpu=4,gpu=1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--capacity: unknown resource 'gpu' (known: cpu, memory)");
        assertThat(Files.exists(dir.resolve("agent"))).as("nothing was created").isFalse();
    }

    @Test
    void anAgentCapacityThatIsNotAnAmountIsRefused() {
        var result = agent("--capacity", "cpu=lots,memory=8Gi");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--capacity: cpu 'lots' is not a CPU amount");
    }

    @Test
    void anAgentDriverThatDoesNotExistIsRefused() {
        var result = agent("--drivers", "process,docker");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--drivers: 'docker' is not a driver; give process, oci, microvm or auto");
    }

    @Test
    void anAgentMicrovmKernelThatIsNotAFileIsRefused() {
        var result = agent("--microvm-kernel", dir.resolve("no-such-kernel").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--microvm-kernel: ").contains("is not a file");
    }

    @Test
    void anAgentNetworksModeThatDoesNotExistIsRefusedAndNothingIsCreated() {
        var result = agent("--networks", "maybe");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--networks: must be auto, on or off, got 'maybe'");
        assertThat(Files.exists(dir.resolve("agent"))).as("nothing was created").isFalse();
    }

    @Test
    void anAgentDnsPortOutOfRangeIsRefusedAndNothingIsCreated() {
        var result = agent("--dns-port", "70000");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--dns-port: must be between 0 and 65535, got 70000");
        assertThat(Files.exists(dir.resolve("agent"))).as("nothing was created").isFalse();
    }

    @Test
    void aSiteNetworkPoolThatIsNotACidrIsRefusedAndNothingIsCreated() {
        var result = site("--network-pool", "100.64.0.1/10");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--network-pool: 100.64.0.1/10: not the first address of its subnet");
        assertThat(Files.exists(dir.resolve("site"))).as("nothing was created").isFalse();
    }

    @Test
    void aSiteIngressThatIsNotAnAddressIsRefused() {
        var result = site("--ingress", "example");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--ingress: 'example' is not an IP address of this machine");
        assertThat(Files.exists(dir.resolve("site"))).as("nothing was created").isFalse();
    }
}
