package dev.atoll.cli.auth;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.model.auth.Role;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code atoll token create|list|revoke}: bearer tokens of a tenant, each with a role. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "Manage bearer tokens. Roles: viewer reads; deployer also deploys, scales and deletes;"
                + " admin also manages its tenant's tokens and reads its audit log.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class},
        footerHeading = "%nExample:%n",
        footer = {"  atoll token create --tenant acme --role deployer --name ci", "  atoll token list --tenant acme"})
public final class TokenCommand implements Callable<Integer> {
    @ParentCommand
    AtollCommand atoll;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: create, list, revoke");
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a token of --tenant (default: your token's) and print it: it is shown this once."
                    + " Another tenant's token needs a cloud admin.",
            footerHeading = "%nExample:%n",
            footer = {"  atoll token create --tenant acme --role admin", "  export ATOLL_TOKEN=atoll_..."})
    static final class Create implements Callable<Integer> {
        @ParentCommand
        TokenCommand token;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin, deployer or viewer.")
        String role;

        @Option(names = "--name", paramLabel = "TEXT", description = "What the token is for (default: its role).")
        String name;

        @Override
        public Integer call() {
            if (Role.fromWireName(role).isEmpty()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--role: must be one of " + Role.choices() + ", got '" + role + "'");
            }
            var atoll = token.atoll;
            var created = atoll.client(null)
                    .createToken(
                            atoll.explicitTenant(),
                            Role.fromWireName(role).orElseThrow().wireName(),
                            Optional.ofNullable(name));
            var out = atoll.session().out();
            out.println(created.path("token").asText());
            out.flush();
            var err = atoll.session().err();
            err.println("token " + created.path("id").asText() + " of tenant "
                    + created.path("tenant").asText()
                    + " (" + created.path("role").asText() + "); it is not shown again."
                    + " Use it with --token or ATOLL_TOKEN.");
            err.flush();
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the tokens of --tenant (default: your token's); never their secrets.",
            footerHeading = "%nExample:%n",
            footer = {"  atoll token list --tenant acme"})
    static final class ListTokens implements Callable<Integer> {
        @ParentCommand
        TokenCommand token;

        @picocli.CommandLine.Mixin
        private dev.atoll.cli.OutputOption output;

        @Override
        public Integer call() {
            var atoll = token.atoll;
            Printing.print(
                    atoll.session().out(),
                    atoll.session().err(),
                    output.format(),
                    atoll.client(null).tokensJson(atoll.explicitTenant()),
                    "tokens",
                    List.of(
                            Printing.Column.field("ID", "id"),
                            Printing.Column.field("TENANT", "tenant"),
                            Printing.Column.field("ROLE", "role"),
                            Printing.Column.field("NAME", "name"),
                            Printing.Column.field("CREATED", "createdAt"),
                            Printing.Column.field("REVOKED", "revokedAt")));
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = "Revoke a token by its id (see atoll token list): it stops working at once at the site"
                    + " you talk to, and within seconds at every other.",
            footerHeading = "%nExample:%n",
            footer = {"  atoll token revoke 3f9a0c1d2e4b5a69"})
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        TokenCommand token;

        @Parameters(index = "0", paramLabel = "ID", description = "The token's id.")
        String id;

        @Override
        public Integer call() {
            var revoked = token.atoll.client(null).revokeToken(id);
            var out = token.atoll.session().out();
            out.println("revoked token " + revoked.path("id").asText() + " of tenant "
                    + revoked.path("tenant").asText());
            out.flush();
            return ExitCodes.OK;
        }
    }
}
