package dev.atoll.cli.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.cli.Table;
import dev.atoll.cli.client.RemoteEnvironment;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.view.CloudEvent;
import dev.atoll.model.view.EnvironmentView.ServiceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The readable, multi-section view of one environment that `describe environment` prints: the
 * spec in brief, each service with its counts, its instances, and its recent events.
 */
public final class EnvironmentDescription {
    /** Enough recent history to see what just happened without scrolling. */
    static final int EVENTS_SHOWN = 15;

    private EnvironmentDescription() {}

    public static String render(
            RemoteEnvironment env, List<InstanceView> instances, List<CloudEvent> events, Instant now) {
        var text = new StringBuilder();
        field(text, "Name", env.name());
        field(text, "Tenant", env.tenant());
        field(text, "Status", env.status());
        field(text, "Home site", env.homeSite());
        field(text, "Version", Long.toString(env.version()));
        field(text, "Created", Tables.time(env.createdAt()));
        field(text, "Updated", Tables.time(env.updatedAt()));

        JsonNode services = env.spec().path("spec").path("services");
        var serviceTable = Table.of(
                "NAME", "DRIVER", "REPLICAS", "RUNNING", "UPDATED", "CPU", "MEMORY", "PORTS", "COMMAND", "MESSAGE");
        for (ServiceStatus s : env.services()) {
            JsonNode spec = services.path(s.name());
            serviceTable.row(
                    s.name(),
                    text(spec.path("driver")),
                    s.desired(),
                    s.running(),
                    s.updated(),
                    text(spec.path("resources").path("cpu")),
                    text(spec.path("resources").path("memory")),
                    list(spec.path("ports"), ","),
                    list(spec.path("command"), " "),
                    s.message());
        }
        section(text, "Services", serviceTable.render());

        var placement = new StringBuilder();
        for (var entry : services.properties()) {
            JsonNode intent = entry.getValue().path("placement");
            if (intent.isObject() && !intent.isEmpty()) {
                placement
                        .append(entry.getKey())
                        .append(": ")
                        .append(brief(intent, true))
                        .append('\n');
            }
        }
        if (!placement.isEmpty()) section(text, "Placement", placement.toString());

        section(
                text,
                "Instances",
                instances.isEmpty()
                        ? "none\n"
                        : Tables.instances(instances, false, now).render());

        var recent =
                events.stream().filter(e -> env.name().equals(e.environment())).toList();
        recent = recent.subList(Math.max(0, recent.size() - EVENTS_SHOWN), recent.size());
        section(
                text,
                "Events",
                recent.isEmpty() ? "none\n" : Tables.events(recent).render());
        return text.toString();
    }

    private static void field(StringBuilder text, String name, String value) {
        text.append(String.format("%-11s%s%n", name + ":", value == null ? "-" : value));
    }

    private static void section(StringBuilder text, String title, String body) {
        text.append('\n').append(title).append(":\n");
        body.lines().forEach(line -> text.append("  ").append(line).append('\n'));
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    private static String list(JsonNode node, String separator) {
        if (!node.isArray()) return text(node);
        var items = new ArrayList<String>();
        node.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
        return String.join(separator, items);
    }

    /** A placement intent in one line: "jurisdictions=[EU, UK], spread={across: site, minDomains: 3}". */
    static String brief(JsonNode node, boolean top) {
        if (node.isArray()) {
            var items = new ArrayList<String>();
            node.forEach(item -> items.add(brief(item, false)));
            return "[" + String.join(", ", items) + "]";
        }
        if (node.isObject()) {
            String separator = top ? "=" : ": ";
            String inner = node.properties().stream()
                    .map(e -> e.getKey() + separator + brief(e.getValue(), false))
                    .collect(Collectors.joining(", "));
            return top ? inner : "{" + inner + "}";
        }
        return node.asText();
    }
}
