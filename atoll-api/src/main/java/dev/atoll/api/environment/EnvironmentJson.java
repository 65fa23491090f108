package dev.atoll.api.environment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.view.EnvironmentView;
import java.util.List;
import java.util.function.Function;

/**
 * Writes environments as the contract says: the view's fields with AtollJson, but "spec" in the
 * user's own spec format, so what `describe` shows can be fed back to `deploy`.
 */
public final class EnvironmentJson {
    private final Function<EnvironmentSpec, ObjectNode> specWriter;

    public EnvironmentJson(Function<EnvironmentSpec, ObjectNode> specWriter) {
        this.specWriter = specWriter;
    }

    public ObjectNode view(EnvironmentView view) {
        var withoutSpec = new EnvironmentView(
                view.name(),
                view.tenant(),
                view.homeSite(),
                view.version(),
                view.status(),
                view.createdAt(),
                view.updatedAt(),
                view.services(),
                null);
        ObjectNode node = AtollJson.json().valueToTree(withoutSpec);
        if (view.spec() != null) node.set("spec", specWriter.apply(view.spec()));
        return node;
    }

    public com.fasterxml.jackson.databind.node.ArrayNode views(List<EnvironmentView> views) {
        var array = AtollJson.json().createArrayNode();
        views.forEach(v -> array.add(view(v)));
        return array;
    }

    /** {"outcome": ..., "changedServices": [...], "environment": {...}}. */
    public ObjectNode deployResponse(String outcome, List<String> changedServices, EnvironmentView view) {
        var node = AtollJson.json().createObjectNode();
        node.put("outcome", outcome);
        var changed = node.putArray("changedServices");
        changedServices.forEach(changed::add);
        node.set("environment", view(view));
        return node;
    }
}
