package dev.atoll.cli.auth;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code atoll audit}: who changed what, from the audit log of every reachable site. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Show the audit log: every request that tried to change something (who, what, where, how it"
                + " ended), newest last. Needs an admin token; a cloud admin sees every tenant's, or --tenant's.",
        footerHeading = "%nExample:%n",
        footer = {"  atoll audit --limit 20", "  atoll audit --tenant acme -o json"})
public final class AuditCommand implements Callable<Integer> {
    @ParentCommand
    AtollCommand atoll;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "100",
            description = "At most N entries (default: ${DEFAULT-VALUE}).")
    int limit;

    @picocli.CommandLine.Mixin
    private dev.atoll.cli.OutputOption output;

    @Override
    public Integer call() {
        Printing.print(
                atoll.session().out(),
                atoll.session().err(),
                output.format(),
                atoll.client(null).auditJson(atoll.explicitTenant(), limit),
                "audit entries",
                List.of(
                        Printing.Column.field("TIME", "time"),
                        Printing.Column.field("SITE", "site"),
                        Printing.Column.field("TENANT", "tenant"),
                        new Printing.Column(
                                "TOKEN",
                                n -> n.path("tokenId").asText("")
                                        + (n.path("tokenName").asText("").isEmpty()
                                                ? ""
                                                : " (" + n.path("tokenName").asText() + ")")),
                        Printing.Column.field("ROLE", "role"),
                        new Printing.Column(
                                "REQUEST",
                                n -> n.path("method").asText() + " "
                                        + n.path("resource").asText()),
                        Printing.Column.field("STATUS", "status"),
                        Printing.Column.field("OUTCOME", "outcome")));
        return ExitCodes.OK;
    }
}
