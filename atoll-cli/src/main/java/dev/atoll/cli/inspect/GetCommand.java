package dev.atoll.cli.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.cli.OutputFormat;
import dev.atoll.cli.Table;
import dev.atoll.cli.Text;
import dev.atoll.cli.client.ApiClient;
import dev.atoll.cli.client.ApiException;
import dev.atoll.cli.client.ApiFailure;
import dev.atoll.cli.client.RemoteEnvironment;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.view.ImageView;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Lists sites, nodes, environments or instances. */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = {
            "List sites, nodes, environments, instances, images or networks as a table, or as the API's JSON or"
                    + " YAML.",
            "KIND may be singular or plural: site, node, env, environment, instance, inst, image, img, network, net."
        },
        footerHeading = "%nExample:%n",
        footer = {
            "  atoll get sites",
            "  atoll get instances --environment hello -o wide",
            "  atoll get nodes --site london -o json"
        })
public final class GetCommand implements Callable<Integer> {
    @ParentCommand
    private AtollCommand atoll;

    @Parameters(
            index = "0",
            paramLabel = "KIND",
            converter = ResourceKind.Converter.class,
            completionCandidates = ResourceKind.Names.class,
            description = "What to list: ${COMPLETION-CANDIDATES}.")
    private ResourceKind kind;

    @picocli.CommandLine.Mixin
    private dev.atoll.cli.OutputOption output;

    @Option(
            names = "--environment",
            paramLabel = "NAME",
            description = "Only this environment (environments, instances).")
    private String environment;

    @Option(names = "--site", paramLabel = "NAME", description = "Only this site (sites, nodes, instances).")
    private String site;

    @Override
    public Integer call() {
        ApiClient client = atoll.client();
        var out = atoll.session().out();
        Optional<String> env = Optional.ofNullable(environment);
        Optional<String> at = Optional.ofNullable(site);
        JsonNode json =
                switch (kind) {
                    case SITES -> onlyNamed(client.sitesJson(), "name", at);
                    case NODES -> client.nodesJson(at);
                    case ENVIRONMENTS -> onlyNamed(client.environmentsJson(), "name", env);
                    case INSTANCES -> client.instancesJson(env, at);
                    case IMAGES -> client.imagesJson();
                    case NETWORKS -> client.networksJson();
                };
        switch (output.format()) {
            case JSON -> out.print(Text.prettyJson(json));
            case YAML -> out.print(Text.yaml(json));
            case TABLE, WIDE -> {
                Table table = table(json, output.format() == OutputFormat.WIDE);
                if (table.isEmpty()) {
                    atoll.session().err().println("no " + kind.displayName() + " found");
                } else {
                    out.print(table.render());
                }
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private Table table(JsonNode json, boolean wide) {
        try {
            return tableOf(json, wide);
        } catch (IllegalArgumentException e) {
            throw new ApiException(new ApiFailure.Broken(
                    "the API's list of " + kind.displayName() + " does not follow the contract: " + e.getMessage()));
        }
    }

    private Table tableOf(JsonNode json, boolean wide) {
        var mapper = AtollJson.json();
        return switch (kind) {
            case SITES -> Tables.sites(List.of(mapper.convertValue(json, SiteView[].class)), wide);
            case NODES -> Tables.nodes(List.of(mapper.convertValue(json, NodeView[].class)), wide);
            case ENVIRONMENTS ->
                Tables.environments(List.of(mapper.convertValue(json, RemoteEnvironment[].class)), wide);
            case INSTANCES ->
                Tables.instances(
                        List.of(mapper.convertValue(json, InstanceView[].class)),
                        wide,
                        atoll.session().clock().instant());
            case IMAGES -> Tables.images(List.of(mapper.convertValue(json, ImageView[].class)), wide);
            case NETWORKS ->
                Tables.networks(List.of(mapper.convertValue(json, dev.atoll.model.view.NetworkView[].class)), wide);
        };
    }

    /** Filters a list the API cannot filter itself, keeping the API's JSON as it was. */
    private static JsonNode onlyNamed(JsonNode list, String field, Optional<String> name) {
        if (name.isEmpty() || !list.isArray()) return list;
        ArrayNode kept = AtollJson.json().createArrayNode();
        for (JsonNode item : list) {
            if (name.get().equals(item.path(field).asText())) kept.add(item);
        }
        return kept;
    }
}
