package dev.atoll.cli.move;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.view.CloudEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Moves one instance to another site or node, make before break, and follows the move to its end. */
@Command(
        name = "move",
        mixinStandardHelpOptions = true,
        description = {
            "Move one instance to another site (the site picks the node) or to a node of a site.",
            "A process or container instance moves make-before-break: the new one starts, once it is healthy"
                    + " names and ingress switch to it, then the original stops; a micro-VM moves the same way.",
            "If the new one fails or is not healthy in time, it is stopped and the original keeps running."
        },
        footerHeading = "%nExample:%n",
        footer = {"  atoll move hello.web.0 --to frankfurt", "  atoll move hello.web.0 --to london/n2 --no-wait"})
public final class MoveCommand implements Callable<Integer> {
    @ParentCommand
    private AtollCommand atoll;

    @Parameters(
            index = "0",
            paramLabel = "INSTANCE",
            description =
                    "The instance, ENVIRONMENT.SERVICE.INDEX as `atoll get instances` shows it, e.g. hello.web.0.")
    private String instance;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "SITE[/NODE]",
            description = "Where to: a site, or a node of a site.")
    private String to;

    @Option(names = "--no-wait", description = "Return once the move is recorded; do not follow it.")
    private boolean noWait;

    @Option(
            names = "--timeout",
            defaultValue = "120s",
            converter = dev.atoll.cli.deploy.DurationConverter.class,
            description = "How long to follow the move (default ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Override
    public Integer call() throws InterruptedException {
        var session = atoll.session();
        var out = session.out();
        String[] parts = instance.split("\\.");
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            session.err()
                    .println("INSTANCE must be ENVIRONMENT.SERVICE.INDEX (e.g. hello.web.0), got '" + instance + "'");
            return ExitCodes.CANNOT_RUN;
        }
        client = atoll.client();
        environment = parts[0];
        // Events after this one are the move's.
        since = client.events(1).stream().mapToLong(CloudEvent::seq).max().orElse(-1);
        // The events are the home site's: a server that is not the environment's home shows none, so the
        // instance itself is watched too (a newer generation running where it was sent).
        generation = view().map(InstanceView::generation).orElse(Long.MAX_VALUE);
        var answer = client.move(environment, parts[1] + "." + parts[2], to);
        out.println("moving " + answer.path("instance").asText(instance) + " from "
                + answer.path("from").asText("?") + " to " + answer.path("to").asText(to));
        out.flush();
        if (noWait) {
            out.println("follow it with: atoll events --watch");
            return ExitCodes.OK;
        }
        return Follow.until(
                session,
                timeout,
                () -> lookAtTheMove(out),
                () -> "the move of " + instance + " did not end within " + timeout.toSeconds()
                        + " s; it goes on (atoll events --watch)");
    }

    // Of the move under way (a command object runs once).
    private ApiClient client;
    private String environment;
    /** Events up to this one were seen. */
    private long since;
    /** The generation asked to move. */
    private long generation;

    /** The move's new events, a line each, and the instance itself: ends when either says it ended. */
    private OptionalInt lookAtTheMove(PrintWriter out) {
        for (CloudEvent e : client.events(500)) {
            if (e.seq() <= since || !instance.equals(e.instance())) continue;
            since = e.seq();
            if (!e.type().startsWith("move-") && !e.type().startsWith("instance-")) continue;
            out.println("  " + e.type() + " (" + e.site() + "): " + e.message());
            out.flush();
            if (e.type().equals("move-completed")) return OptionalInt.of(ExitCodes.OK);
            if (e.type().equals("move-failed")) return OptionalInt.of(ExitCodes.FAILED);
        }
        Optional<InstanceView> now = view();
        if (now.isPresent() && arrived(now.get(), generation)) {
            out.println("  moved: runs at " + now.get().site() + "/" + now.get().node() + " (generation "
                    + now.get().generation() + ")");
            return OptionalInt.of(ExitCodes.OK);
        }
        return OptionalInt.empty();
    }

    /** The instance as the cloud shows it now; empty when it cannot be read (the move goes on regardless). */
    private Optional<InstanceView> view() {
        try {
            return client.instances(Optional.of(environment), Optional.empty()).stream()
                    .filter(i -> i.id().equals(instance))
                    .findFirst();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A newer generation than the one asked to move, running where it was sent. */
    private boolean arrived(InstanceView view, long generation) {
        if (view.generation() <= generation || view.state() != InstanceState.RUNNING) return false;
        String[] where = to.split("/", 2);
        return view.site().equals(where[0]) && (where.length == 1 || view.node().equals(where[1]));
    }
}
