package dev.atoll.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.testing.Cli;
import dev.atoll.cli.testing.Contract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** `atoll validate`: local, no server. Needs SpecParser (runs once the spec branch is merged). */
@EnabledIf("dev.atoll.cli.testing.SpecParserReadiness#specParserIsImplemented")
class ValidateCommandTest {
    @TempDir
    Path dir;

    private String write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file.toString();
    }

    @Test
    void aValidSpecIsSummarised() throws IOException {
        var result = Cli.run("validate", "-f", write("hello.yaml", Contract.hello(6)));

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("valid: environment hello, 1 service, 6 replicas\n");
    }

    @Test
    void aSpecFromStandardInputIsValidatedToo() {
        var result = Cli.runWithInput(Contract.hello(1), "validate", "-f", "-");

        assertThat(result.out()).isEqualTo("valid: environment hello, 1 service, 1 replica\n");
    }

    @Test
    void everyErrorIsPrintedWithItsFieldPathAndTheExitCodeIsOne() throws IOException {
        String spec = Contract.hello(6) + """
                      resources: {memory: 12Zi}
                      colour: blue
                """;

        var result = Cli.run("validate", "-f", write("bad.yaml", spec));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines())
                .hasSize(2)
                .anySatisfy(line -> assertThat(line)
                        .startsWith("spec.services.web.resources.memory: ")
                        .contains("12Zi"))
                .anySatisfy(line -> assertThat(line).startsWith("spec.services.web.colour: "));
    }

    @Test
    void validationNeedsNoServer() throws IOException {
        var result = Cli.run("--server", "http://127.0.0.1:1", "validate", "-f", write("h.yaml", Contract.hello(2)));

        assertThat(result.exitCode()).isZero();
    }
}
