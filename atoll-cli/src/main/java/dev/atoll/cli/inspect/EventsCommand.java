package dev.atoll.cli.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.cli.Text;
import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.json.AtollJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Shows what happened in the cloud, and with --watch what happens next. */
@Command(
        name = "events",
        mixinStandardHelpOptions = true,
        description = {
            "Show recent events (instances started, placed, restarted, environments changed).",
            "With --watch, keep streaming new events until interrupted; with -o json, one event per line."
        },
        footerHeading = "%nExample:%n",
        footer = {"  atoll events", "  atoll events --watch --environment hello", "  atoll events -o json"})
public final class EventsCommand implements Callable<Integer> {
    /** A stream that lasted at least this long was ended on purpose by the server: reconnect. */
    private static final Duration RECONNECT_AFTER = Duration.ofSeconds(10);

    @ParentCommand
    private AtollCommand atoll;

    @Option(
            names = {"-w", "--watch"},
            description = "Keep streaming events as they happen.")
    private boolean watch;

    @picocli.CommandLine.Mixin
    private dev.atoll.cli.OutputOption output;

    @Option(names = "--environment", paramLabel = "NAME", description = "Only events of this environment.")
    private String environment;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "100",
            description = "How many recent events to show (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Override
    public Integer call() {
        var client = atoll.client();
        var out = atoll.session().out();
        if (watch) {
            watch(client, out);
            return ExitCodes.OK;
        }
        JsonNode events = client.eventsJson(Math.max(1, limit));
        var kept = AtollJson.json().createArrayNode();
        for (JsonNode event : events) if (matches(event)) kept.add(event);
        switch (output.format()) {
            case JSON -> out.print(Text.prettyJson(kept));
            case YAML -> out.print(Text.yaml(kept));
            case TABLE, WIDE -> {
                var list = java.util.stream.StreamSupport.stream(kept.spliterator(), false)
                        .map(client::toEvent)
                        .toList();
                if (list.isEmpty()) atoll.session().err().println("no events");
                else out.print(Tables.events(list).render());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * The API ends a stream after a while (an hour, or when this client falls far behind); carry on
     * from the last event seen. A stream that ends at once with nothing new means the server is
     * going away, and then there is nothing to wait for.
     */
    private void watch(ApiClient client, PrintWriter out) {
        var clock = atoll.session().clock();
        OptionalLong since = OptionalLong.empty();
        while (true) {
            Instant opened = clock.instant();
            OptionalLong last = client.watchEvents(since, tree -> {
                if (!matches(tree)) return;
                out.println(output.format().isTable() ? Tables.eventLine(client.toEvent(tree)) : tree.toString());
                out.flush();
            });
            boolean progressed = !last.equals(since);
            if (!progressed && Duration.between(opened, clock.instant()).compareTo(RECONNECT_AFTER) < 0) return;
            since = last;
        }
    }

    private boolean matches(JsonNode event) {
        return environment == null
                || environment.equals(event.path("environment").asText(null));
    }
}
