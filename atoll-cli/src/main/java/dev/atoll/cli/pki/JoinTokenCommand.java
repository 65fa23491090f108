package dev.atoll.cli.pki;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code atoll join-token create}: a one-time token with which a site or an agent gets its certificate. */
@Command(
        name = "join-token",
        mixinStandardHelpOptions = true,
        description = "One-time tokens with which site controllers and node agents join the cloud (cloud admin).",
        subcommands = {JoinTokenCommand.Create.class},
        footerHeading = "%nExample:%n",
        footer = {"  atoll join-token create --for agent --site london --ttl 1h"})
public final class JoinTokenCommand implements Callable<Integer> {
    @ParentCommand
    AtollCommand atoll;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: create");
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Make a token that works once, until --ttl; kept hashed in the Raft log of the site whose"
                    + " API is asked (for agents: their own site's API). As a table (the default) it prints the"
                    + " token alone, for T=$(atoll join-token create ...).",
            footerHeading = "%nExample:%n",
            footer = {
                "  atoll join-token create --for site",
                "  atoll --server http://198.18.0.1:7070 join-token create --for agent --site london --ttl 10m"
            })
    static final class Create implements Callable<Integer> {
        @ParentCommand
        JoinTokenCommand parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--for", required = true, description = "site or agent: what the holder becomes")
        String forRole;

        @Option(
                names = "--site",
                description = "For agents: their site (required). For a site: the only name it may take")
        String site;

        @Option(
                names = "--ttl",
                description = "How long it works: 30s, 10m, 1h, at most 168h (default: ${DEFAULT-VALUE})",
                defaultValue = "1h")
        String ttl;

        @picocli.CommandLine.Mixin
        private dev.atoll.cli.OutputOption output;

        @Override
        public Integer call() {
            if (!forRole.equals("site") && !forRole.equals("agent")) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--for: '" + forRole + "' is not site or agent");
            }
            if (forRole.equals("agent") && site == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--site: required with --for agent");
            }
            var created = parent.atoll.client(null).createJoinToken(forRole, site, ttl);
            var out = parent.atoll.session().out();
            switch (output.format()) {
                case JSON -> out.print(dev.atoll.cli.Text.prettyJson(created));
                case YAML -> out.print(dev.atoll.cli.Text.yaml(created));
                // The token alone, so that `T=$(atoll join-token create ...)` works.
                case TABLE, WIDE -> out.println(created.path("token").asText());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
