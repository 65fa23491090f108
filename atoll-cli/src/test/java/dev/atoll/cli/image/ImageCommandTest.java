package dev.atoll.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `atoll image import` and `atoll bench density` refuse bad arguments, naming them, before calling anything. */
class ImageCommandTest {
    @TempDir
    Path dir;

    @Test
    void anArchiveThatIsNotAFileIsAUsageErrorNamingIt() {
        var result = Cli.run("image", "import", dir.resolve("missing.tar").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("FILE: ").contains("missing.tar is not a file");
    }

    @Test
    void aNameThatIsNotAnImageNameIsAUsageErrorNamingTheOption() throws Exception {
        Path archive = Files.writeString(dir.resolve("a.tar"), "not checked before the name");

        var result = Cli.run("image", "import", archive.toString(), "--name", "Busybox");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--name: \"Busybox\" is not an image name");
    }

    @Test
    void aNameWithADigestIsAUsageError() throws Exception {
        Path archive = Files.writeString(dir.resolve("a.tar"), "x");

        var result = Cli.run("image", "import", archive.toString(), "--name", "sha256:" + "a".repeat(64));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--name: give a name and tag such as busybox:1.36");
    }

    @Test
    void aDensityBenchOfADriverThatDoesNotExistIsAUsageError() {
        var result = Cli.run("bench", "density", "--driver", "docker");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--driver: 'docker' is not a driver; give process, oci or microvm");
    }
}
