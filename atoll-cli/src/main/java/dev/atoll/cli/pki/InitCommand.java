package dev.atoll.cli.pki;

import dev.atoll.cli.ExitCodes;
import dev.atoll.wire.tls.CertificateAuthority;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atoll init}: makes the cloud's CA (an EC P-256 key and its self-signed certificate) and says
 * what the sites need: the first site is started with {@code --ca DIR} (it signs its own certificate
 * and its agents'), every other process with a join token and the CA's fingerprint.
 */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = "Make the cloud CA: every site and agent then gets a certificate and all internal traffic is"
                + " mutual TLS.",
        footerHeading = "%nExample:%n",
        footer = {
            "  atoll init --dir /etc/atoll/ca",
            "  atoll site --name london ... --ca /etc/atoll/ca --data-dir /var/lib/atoll",
            "  atoll join-token create --for agent --site london   # then: atoll agent ... --join-token T --ca-fingerprint F"
        })
public final class InitCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "Where to write ca.crt and ca.key (owner-only); default: ~/.atoll/ca")
    Path dir;

    @Option(
            names = "--name",
            description = "The cloud's name, in the CA's subject (default: ${DEFAULT-VALUE})",
            defaultValue = "atoll")
    String name;

    @Override
    public Integer call() {
        Path target = dir != null ? dir : Path.of(System.getProperty("user.home"), ".atoll", "ca");
        if (CertificateAuthority.existsIn(target)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--dir " + target + ": holds a CA already (ca.crt, ca.key); a second one would not trust the"
                            + " first one's certificates. Remove it first, or give another --dir");
        }
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--name: '" + name + "' must be 1..63 letters, digits, ' ', '.', '_' or '-'");
        }
        CertificateAuthority ca = CertificateAuthority.create(name, Instant.now());
        ca.save(target);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("cloud CA %s written to %s (ca.crt; ca.key readable by its owner only)%n", name, target);
        out.printf("fingerprint (SHA-256): %s%n", ca.fingerprint());
        out.printf("first site:  atoll site ... --ca %s%n", target);
        out.printf("then:        atoll join-token create --for site|agent [--site S]   (at that site's API)%n");
        out.printf("             atoll site|agent ... --join-token TOKEN --ca-fingerprint %s%n", ca.fingerprint());
        out.flush();
        return ExitCodes.OK;
    }
}
