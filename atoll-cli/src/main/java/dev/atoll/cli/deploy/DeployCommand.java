package dev.atoll.cli.deploy;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.cli.client.ApiClient;
import dev.atoll.cli.client.ApiException;
import dev.atoll.cli.client.ApiFailure;
import dev.atoll.cli.client.DeployReply;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Creates or updates an environment from a spec, then waits until it runs. */
@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description = {
            "Create or update an environment from a spec file, then show progress until every instance runs.",
            "The spec is validated locally first; an identical spec changes nothing."
        },
        footerHeading = "%nExample:%n",
        footer = {
            "  atoll deploy -f examples/hello.yaml",
            "  atoll deploy -f examples/hello.yaml --dry-run   # where the replicas would go; nothing changes",
            "  atoll deploy -f - --no-wait < hello.json"
        })
public final class DeployCommand implements Callable<Integer> {
    @ParentCommand
    private AtollCommand atoll;

    @Option(
            names = {"-f", "--file"},
            required = true,
            paramLabel = "FILE",
            description = "Spec file (YAML or JSON); - reads standard input.")
    private String file;

    @Option(names = "--no-wait", description = "Return once the API has accepted the spec.")
    private boolean noWait;

    @Option(
            names = "--dry-run",
            description = "Check the spec with the cloud and show where its replicas would go (or why they"
                    + " would not fit); change nothing. Exits 1 when some replica would not fit.")
    private boolean dryRun;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "120s",
            converter = DurationConverter.class,
            description = "How long to wait for the environment to be ready (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Override
    public Integer call() {
        var session = atoll.session();
        Instant started = session.clock().instant();
        var checked = SpecCheck.check(file, session.in(), session.err());
        if (checked.isEmpty()) return ExitCodes.FAILED;
        var spec = checked.get().spec();
        var body = checked.get().file();
        // A spec naming no tenant (so "default") lands in the token's tenant: name none then.
        ApiClient client = atoll.client(atoll.explicitTenant()
                .orElse(
                        spec.tenant().equals(dev.atoll.model.spec.EnvironmentSpec.DEFAULT_TENANT)
                                ? null
                                : spec.tenant()));
        if (dryRun) return preview(client, spec.name(), body, session.out());

        DeployReply reply = client.environment(spec.name()).isEmpty()
                ? createOrReplace(client, spec.name(), body)
                : client.replace(spec.name(), body.text(), body.contentType());
        session.out().println(outcomeLine(spec.name(), reply));
        if (noWait) return ExitCodes.OK;
        var progress =
                new DeployProgress(client, session.out(), session.err(), session.clock(), session.pollEvery(), timeout);
        return progress.await(spec.name(), started) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** The placement the cloud would make now, a line per service; nothing is changed. */
    private static int preview(ApiClient client, String name, SpecFile body, java.io.PrintWriter out) {
        var preview = client.preview(body.text(), body.contentType());
        out.println("environment " + name + " would be "
                + (preview.path("exists").asBoolean() ? "updated" : "created") + " (dry run: nothing was changed)");
        for (var service : preview.path("services")) {
            out.println(service.path("service").asText() + ": "
                    + service.path("summary").asText());
        }
        return preview.path("placeable").asBoolean() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Someone may create the same name between our GET and POST; then updating is what was meant. */
    private static DeployReply createOrReplace(ApiClient client, String name, SpecFile body) {
        try {
            return client.create(body.text(), body.contentType());
        } catch (ApiException e) {
            if (e.failure() instanceof ApiFailure.Problem p && p.status() == 409) {
                return client.replace(name, body.text(), body.contentType());
            }
            throw e;
        }
    }

    static String outcomeLine(String name, DeployReply reply) {
        String line = "environment " + name + " " + reply.outcome();
        if ("updated".equals(reply.outcome()) && !reply.changedServices().isEmpty()) {
            line += " (changed: " + String.join(", ", reply.changedServices()) + ")";
        }
        return line;
    }
}
