package dev.atoll.cli.auth;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.model.auth.Tenants;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code atoll tenant create|list}: tenants are made by a cloud admin (an admin of tenant "default"). */
@Command(
        name = "tenant",
        mixinStandardHelpOptions = true,
        description = "Manage tenants: each owns its environments, networks and tokens and sees no other's.",
        subcommands = {TenantCommand.Create.class, TenantCommand.ListTenants.class},
        footerHeading = "%nExample:%n",
        footer = {"  atoll tenant create acme", "  atoll token create --tenant acme --role admin"})
public final class TenantCommand implements Callable<Integer> {
    @ParentCommand
    AtollCommand atoll;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: create, list");
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a tenant (needs a cloud admin's token, like the one `atoll dev` prints).",
            footerHeading = "%nExample:%n",
            footer = {"  atoll tenant create acme"})
    static final class Create implements Callable<Integer> {
        @ParentCommand
        TenantCommand tenant;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "A DNS label: lower-case letters, digits, '-'.")
        String name;

        @Override
        public Integer call() {
            Tenants.problemWithName(name).ifPresent(p -> {
                throw new CommandLine.ParameterException(spec.commandLine(), "NAME: " + p);
            });
            var created = tenant.atoll.client(null).createTenant(name);
            var out = tenant.atoll.session().out();
            out.println("created tenant " + created.path("name").asText());
            out.println("next: atoll token create --tenant " + name + " --role admin");
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List tenants: every one for a cloud admin, your own for anyone else.",
            footerHeading = "%nExample:%n",
            footer = {"  atoll tenant list -o json"})
    static final class ListTenants implements Callable<Integer> {
        @ParentCommand
        TenantCommand tenant;

        @picocli.CommandLine.Mixin
        private dev.atoll.cli.OutputOption output;

        @Override
        public Integer call() {
            var session = tenant.atoll.session();
            Printing.print(
                    session.out(),
                    session.err(),
                    output.format(),
                    tenant.atoll.client(null).tenantsJson(),
                    "tenants",
                    List.of(Printing.Column.field("NAME", "name"), Printing.Column.field("CREATED", "createdAt")));
            return ExitCodes.OK;
        }
    }
}
