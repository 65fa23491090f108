package dev.atoll.cli.move;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.view.NodeView;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Drains a node (no new replicas; every replica moved off, constraints held) and shows it emptying. */
@Command(
        name = "drain",
        mixinStandardHelpOptions = true,
        description = {
            "Drain a node: it takes no new replicas, and every replica on it is moved off, make before break,"
                    + " to another node of its site where one has room, else wherever its constraints allow.",
            "Shows the node's instances counting down. --undo takes the node back. Needs the cloud admin's token."
        },
        footerHeading = "%nExample:%n",
        footer = {"  atoll drain london/n1", "  atoll drain london/n1 --undo"})
public final class DrainCommand implements Callable<Integer> {
    @ParentCommand
    private AtollCommand atoll;

    @Parameters(index = "0", paramLabel = "SITE/NODE", description = "The node, e.g. london/n1.")
    private String target;

    @Option(names = "--undo", description = "Take the node back: it takes new replicas again.")
    private boolean undo;

    @Option(names = "--no-wait", description = "Return once the node is marked; do not follow the moves.")
    private boolean noWait;

    @Option(
            names = "--timeout",
            defaultValue = "300s",
            converter = dev.atoll.cli.deploy.DurationConverter.class,
            description = "How long to follow the drain (default ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Override
    public Integer call() throws InterruptedException {
        var session = atoll.session();
        var out = session.out();
        int slash = target.indexOf('/');
        if (slash <= 0 || slash == target.length() - 1 || target.indexOf('/', slash + 1) >= 0) {
            session.err()
                    .println("SITE/NODE must name a site and one of its nodes (e.g. london/n1), got '" + target + "'");
            return ExitCodes.CANNOT_RUN;
        }
        site = target.substring(0, slash);
        node = target.substring(slash + 1);
        client = atoll.client();
        var answer = client.drain(site, node, undo);
        if (undo) {
            out.println("node " + target + " takes replicas again");
            return ExitCodes.OK;
        }
        left = answer.path("instances").asInt();
        out.println("draining " + target + ": " + left + " instance(s) to move off");
        out.flush();
        if (noWait || left == 0) return ExitCodes.OK;
        return Follow.until(
                session,
                timeout,
                () -> lookAtTheNode(out),
                () -> "node " + target + " still runs " + left + " instance(s) after " + timeout.toSeconds()
                        + " s; their moves go on (atoll events --watch)");
    }

    // Of the drain under way (a command object runs once).
    private String site;
    private String node;
    private ApiClient client;
    /** Instances on the node when last looked at. */
    private int left;

    /** The node's instances counting down, a line each time the count changes; ends when none is left. */
    private OptionalInt lookAtTheNode(PrintWriter out) {
        Optional<NodeView> now = client.nodes(Optional.of(site)).stream()
                .filter(n -> n.name().equals(node))
                .findFirst();
        int count = now.map(NodeView::instances).orElse(0);
        if (count != left) {
            left = count;
            out.println("  " + left + " instance(s) left on " + target);
            out.flush();
        }
        if (left > 0) return OptionalInt.empty();
        out.println("node " + target + " is drained");
        return OptionalInt.of(ExitCodes.OK);
    }
}
