package dev.atoll.cli.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.testing.Cli;
import dev.atoll.wire.tls.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `atoll init`: the cloud CA, once per directory, and what sites need printed. */
class InitCommandTest {
    @TempDir
    Path dir;

    @Test
    void initWritesTheCaWithAPrivateKeyAndPrintsItsFingerprint() throws Exception {
        var result = Cli.run("init", "--dir", dir.toString());

        assertThat(result.exitCode()).isZero();
        var ca = CertificateAuthority.load(dir);
        assertThat(result.out())
                .contains("fingerprint (SHA-256): " + ca.fingerprint())
                .contains("--ca " + dir)
                .contains("--ca-fingerprint " + ca.fingerprint());
        assertThat(Files.getPosixFilePermissions(dir.resolve("ca.key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void initRefusesToReplaceACaThatExists() throws Exception {
        Cli.run("init", "--dir", dir.toString());
        String first = Files.readString(dir.resolve("ca.crt"));

        var again = Cli.run("init", "--dir", dir.toString());

        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("--dir " + dir + ": holds a CA already");
        assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo(first);
    }

    @Test
    void aJoinTokenForAnAgentNeedsItsSite() {
        var result = Cli.run("join-token", "create", "--for", "agent");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--site: required with --for agent");
    }
}
