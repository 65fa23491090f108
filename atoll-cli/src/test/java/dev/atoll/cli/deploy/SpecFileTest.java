package dev.atoll.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.atoll.cli.testing.Cli;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the spec a user hands over, before any parsing. */
class SpecFileTest {
    @TempDir
    Path dir;

    @Test
    void aDashReadsStandardInput() throws IOException {
        var file = SpecFile.read("-", new ByteArrayInputStream("kind: Environment".getBytes(StandardCharsets.UTF_8)));

        assertThat(file.source()).isEqualTo("standard input");
        assertThat(file.text()).isEqualTo("kind: Environment");
    }

    @Test
    void jsonIsSentAsJsonAndEverythingElseAsYaml() {
        assertThat(new SpecFile("a", "  {\"kind\": \"Environment\"}").contentType())
                .isEqualTo("application/json");
        assertThat(new SpecFile("a", "kind: Environment").contentType()).isEqualTo("application/yaml");
    }

    @Test
    void aSpecOverTheApisBodyLimitIsRefusedHere() throws IOException {
        Path big = dir.resolve("big.yaml");
        Files.write(big, new byte[SpecFile.MAX_BYTES + 1]);

        assertThatThrownBy(() -> SpecFile.read(big.toString(), InputStreamOf.empty()))
                .hasMessage("it is larger than 1 MiB");
    }

    @Test
    void aFileThatIsNotThereIsAnErrorWithoutAStackTrace() {
        String missing = dir.resolve("missing.yaml").toString();

        var validate = Cli.run("validate", "-f", missing);
        var deploy = Cli.run("deploy", "-f", missing);

        assertThat(validate.exitCode()).isEqualTo(1);
        assertThat(validate.err()).isEqualTo("error: cannot read " + missing + ": no such file\n");
        assertThat(deploy.exitCode()).isEqualTo(1);
        assertThat(deploy.err()).isEqualTo(validate.err());
    }

    private static final class InputStreamOf {
        static ByteArrayInputStream empty() {
            return new ByteArrayInputStream(new byte[0]);
        }
    }
}
