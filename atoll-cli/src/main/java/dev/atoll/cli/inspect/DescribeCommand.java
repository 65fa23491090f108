package dev.atoll.cli.inspect;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.cli.client.ApiException;
import dev.atoll.cli.client.ApiFailure;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** Shows one environment in detail. */
@Command(
        name = "describe",
        mixinStandardHelpOptions = true,
        description = "Show an environment in detail: its spec in brief, services, instances and recent events.",
        footerHeading = "%nExample:%n",
        footer = {"  atoll describe environment hello"})
public final class DescribeCommand implements Callable<Integer> {
    /** How many recent events to ask for; the description keeps those of this environment. */
    private static final int EVENTS_ASKED = 100;

    @ParentCommand
    private AtollCommand atoll;

    @Mixin
    private EnvironmentArgument environment;

    @Override
    public Integer call() {
        String name = environment.name();
        var client = atoll.client();
        var env = client.environment(name)
                .orElseThrow(() -> new ApiException(new ApiFailure.Problem(
                        404, "Not Found", "environment " + name + " does not exist", List.of())));
        var instances = client.instances(Optional.of(name), Optional.empty());
        var events = client.events(EVENTS_ASKED);
        var out = atoll.session().out();
        out.print(EnvironmentDescription.render(
                env, instances, events, atoll.session().clock().instant()));
        out.flush();
        return ExitCodes.OK;
    }
}
