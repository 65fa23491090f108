package dev.atoll.cli.inspect;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.cli.client.ApiException;
import dev.atoll.cli.client.ApiFailure;
import dev.atoll.model.view.NetworkView;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Shows one environment or network in detail. */
@Command(
        name = "describe",
        mixinStandardHelpOptions = true,
        description = "Show an environment (its spec in brief, services, instances and recent events) or a network"
                + " (its segment, subnet, sites and members) in detail.",
        footerHeading = "%nExample:%n",
        footer = {"  atoll describe environment hello", "  atoll describe network backend"})
public final class DescribeCommand implements Callable<Integer> {
    /** How many recent events to ask for; the description keeps those of this environment. */
    private static final int EVENTS_ASKED = 100;

    @ParentCommand
    private AtollCommand atoll;

    @Parameters(
            index = "0",
            paramLabel = "KIND",
            converter = ResourceKind.Describable.class,
            completionCandidates = ResourceKind.DescribableNames.class,
            description = "environment (also env) or network (also net)")
    private ResourceKind kind;

    @Parameters(index = "1", paramLabel = "NAME", description = "Its name.")
    private String name;

    @Override
    public Integer call() {
        var client = atoll.client();
        var out = atoll.session().out();
        if (kind == ResourceKind.NETWORKS) {
            NetworkView network = client.network(name)
                    .orElseThrow(() -> new ApiException(new ApiFailure.Problem(
                            404, "Not Found", "network " + name + " has no members now", List.of())));
            out.print(describe(network));
            out.flush();
            return ExitCodes.OK;
        }
        var env = client.environment(name)
                .orElseThrow(() -> new ApiException(new ApiFailure.Problem(
                        404, "Not Found", "environment " + name + " does not exist", List.of())));
        var instances = client.instances(Optional.of(name), Optional.empty());
        var events = client.events(EVENTS_ASKED);
        out.print(EnvironmentDescription.render(
                env, instances, events, atoll.session().clock().instant()));
        out.flush();
        return ExitCodes.OK;
    }

    static String describe(NetworkView network) {
        return "Name:     " + network.name() + "\n"
                + "Tenant:   " + network.tenant() + "\n"
                + "Subnet:   " + network.subnet() + "\n"
                + "Segment:  VXLAN " + network.vni() + "\n"
                + "Sites:    " + String.join(", ", network.sites()) + "\n"
                + "Names:    <service>.<environment>." + network.tenant() + ".atoll, <index>.<service>.<environment>."
                + network.tenant() + ".atoll\n\n"
                + "Members:\n" + Tables.networkMembers(network).render();
    }
}
