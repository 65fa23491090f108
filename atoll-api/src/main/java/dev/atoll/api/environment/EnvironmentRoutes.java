package dev.atoll.api.environment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.api.problem.Problem;
import dev.atoll.api.problem.ProblemException;
import dev.atoll.api.problem.Problems;
import dev.atoll.api.request.Requests;
import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.view.DeployOutcome;
import dev.atoll.model.view.PreviewOutcome;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * /v1/environments: list, read, create (POST), create-or-update (PUT), delete and scale. Every body
 * is read and validated completely before the cloud is called, so a bad request changes nothing.
 */
public final class EnvironmentRoutes {
    public static final int MAX_REPLICAS = 1000;

    private final CloudApi cloud;
    private final Function<String, SpecResult> specReader;
    private final EnvironmentJson json;

    public EnvironmentRoutes(CloudApi cloud, Function<String, SpecResult> specReader, EnvironmentJson json) {
        this.cloud = cloud;
        this.specReader = specReader;
        this.json = json;
    }

    public void list(Context ctx) {
        ctx.json(json.views(cloud.environments(Requests.tenant(ctx))));
    }

    public void get(Context ctx) {
        String tenant = Requests.tenant(ctx);
        String name = ctx.pathParam("name");
        var view = cloud.environment(tenant, name).orElseThrow(() -> notFound(tenant, name));
        ctx.json(json.view(view));
    }

    /** POST creates only: a second POST of the same name is a conflict; PUT or `deploy` updates. */
    public void create(Context ctx) {
        EnvironmentSpec spec = readSpec(ctx);
        respond(ctx, cloud.create(spec));
    }

    public void put(Context ctx) {
        String name = ctx.pathParam("name");
        EnvironmentSpec spec = readSpec(ctx);
        if (!spec.name().equals(name)) {
            throw new ProblemException(Problem.badField(
                    "metadata.name",
                    "is \"" + Requests.clip(spec.name()) + "\" but the request is for environment \""
                            + Requests.clip(name) + "\""));
        }
        respond(ctx, cloud.apply(spec));
    }

    /**
     * POST /v1/environments/preview: the spec checked as a deploy checks it, then where its replicas
     * would go now, or why they would not fit. Nothing changes.
     */
    public void preview(Context ctx) {
        EnvironmentSpec spec = readSpec(ctx);
        switch (cloud.preview(spec)) {
            case PreviewOutcome.Previewed p -> ctx.status(200).json(p.preview());
            case PreviewOutcome.Rejected r -> Problems.respond(ctx, rejected(r.errors()));
            case PreviewOutcome.Unavailable u -> Problems.respond(ctx, Problem.of(503, u.message()));
        }
    }

    /** POST .../services/{service}/restart: a rolling restart (see CloudApi#restart). */
    public void restart(Context ctx) {
        String tenant = Requests.tenant(ctx);
        respond(ctx, cloud.restart(tenant, ctx.pathParam("name"), ctx.pathParam("service"), java.time.Instant.now()));
    }

    public void delete(Context ctx) {
        String tenant = Requests.tenant(ctx);
        String name = ctx.pathParam("name");
        switch (cloud.delete(tenant, name)) {
            case DeployOutcome.NotFound nf -> Problems.respond(ctx, Problem.of(404, nf.message()));
            case DeployOutcome.Conflict c -> Problems.respond(ctx, Problem.of(409, c.message()));
            case DeployOutcome.Rejected r -> Problems.respond(ctx, rejected(r.errors()));
            case DeployOutcome.Unavailable u -> Problems.respond(ctx, Problem.of(503, u.message()));
            case DeployOutcome.Created c -> deleted(ctx, name);
            case DeployOutcome.Updated u -> deleted(ctx, name);
            case DeployOutcome.Unchanged u -> deleted(ctx, name);
        }
    }

    public void scale(Context ctx) {
        String tenant = Requests.tenant(ctx);
        int replicas = readReplicas(Requests.body(ctx, Requests.MAX_BODY_BYTES));
        respond(ctx, cloud.scale(tenant, ctx.pathParam("name"), ctx.pathParam("service"), replicas));
    }

    private void deleted(Context ctx, String name) {
        var body = AtollJson.json().createObjectNode().put("outcome", "deleted").put("environment", name);
        ctx.status(202).json(body);
    }

    private EnvironmentSpec readSpec(Context ctx) {
        // Every accepted content type (JSON, YAML, none or another) goes through the same reader:
        // YAML is a superset of JSON, so the content type cannot change the meaning of a body.
        String text = Requests.body(ctx, Requests.MAX_BODY_BYTES);
        EnvironmentSpec spec =
                switch (specReader.apply(text)) {
                    case SpecResult.Valid v -> v.spec();
                    case SpecResult.Invalid inv -> throw new ProblemException(invalidSpec(inv.errors()));
                };
        return inTenant(ctx, spec);
    }

    /**
     * The tenant comes from the token, not from the spec: a spec naming no tenant (so "default") or
     * the token's own is deployed into the token's tenant; one naming another tenant is refused with
     * 403, whether or not that tenant exists.
     */
    private static EnvironmentSpec inTenant(Context ctx, EnvironmentSpec spec) {
        String tenant = Requests.tenant(ctx);
        if (spec.tenant().equals(tenant)) return spec;
        if (spec.tenant().equals(EnvironmentSpec.DEFAULT_TENANT)) {
            return new EnvironmentSpec(spec.name(), tenant, spec.services(), spec.networks());
        }
        String reason = "is \"" + Requests.clip(spec.tenant()) + "\" but the token is for tenant \"" + tenant
                + "\"; leave it out or name the token's tenant";
        throw new ProblemException(new Problem(
                403, "Forbidden", "metadata.tenant: " + reason, List.of(new FieldError("metadata.tenant", reason))));
    }

    static int readReplicas(String body) {
        JsonNode tree;
        try {
            tree = AtollJson.json().readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(
                    Problem.badField("replicas", "the body must be a JSON object like {\"replicas\": 3}"));
        }
        if (tree == null || !tree.isObject()) {
            throw new ProblemException(
                    Problem.badField("replicas", "the body must be a JSON object like {\"replicas\": 3}"));
        }
        List<FieldError> unknown = new ArrayList<>();
        tree.fieldNames().forEachRemaining(f -> {
            if (!f.equals("replicas")) unknown.add(new FieldError(f, "unknown field"));
        });
        if (!unknown.isEmpty()) throw new ProblemException(Problem.invalid("the body has unknown fields", unknown));
        JsonNode replicas = tree.get("replicas");
        if (replicas == null || replicas.isNull())
            throw new ProblemException(Problem.badField("replicas", "is required"));
        if (!replicas.isIntegralNumber() || !replicas.canConvertToInt()) {
            throw new ProblemException(
                    Problem.badField("replicas", "must be a whole number between 0 and " + MAX_REPLICAS));
        }
        int n = replicas.intValue();
        if (n < 0 || n > MAX_REPLICAS) {
            throw new ProblemException(
                    Problem.badField("replicas", "must be between 0 and " + MAX_REPLICAS + ", got " + n));
        }
        return n;
    }

    private void respond(Context ctx, DeployOutcome outcome) {
        switch (outcome) {
            case DeployOutcome.Created c ->
                ctx.status(201).json(json.deployResponse("created", serviceNames(c), c.environment()));
            case DeployOutcome.Updated u ->
                ctx.status(200).json(json.deployResponse("updated", u.changedServices(), u.environment()));
            case DeployOutcome.Unchanged u ->
                ctx.status(200).json(json.deployResponse("unchanged", List.of(), u.environment()));
            case DeployOutcome.Conflict c -> Problems.respond(ctx, Problem.of(409, c.message()));
            case DeployOutcome.NotFound nf -> Problems.respond(ctx, Problem.of(404, nf.message()));
            case DeployOutcome.Rejected r -> Problems.respond(ctx, rejected(r.errors()));
            case DeployOutcome.Unavailable u -> Problems.respond(ctx, Problem.of(503, u.message()));
        }
    }

    /** On create every service is new, so every service changed. */
    private static List<String> serviceNames(DeployOutcome.Created created) {
        var spec = created.environment().spec();
        return spec == null ? List.of() : List.copyOf(spec.services().keySet());
    }

    private static Problem invalidSpec(List<FieldError> errors) {
        return Problem.invalid(summary("the spec is not valid", errors), errors);
    }

    private static Problem rejected(List<FieldError> errors) {
        return Problem.invalid(summary("the environment was not accepted", errors), errors);
    }

    private static String summary(String what, List<FieldError> errors) {
        if (errors.isEmpty()) return what + ".";
        String first = errors.getFirst().toString();
        return errors.size() == 1
                ? what + ": " + first
                : what + ": " + first + " (and " + (errors.size() - 1) + " more)";
    }

    private static ProblemException notFound(String tenant, String name) {
        return new ProblemException(
                Problem.of(404, "no environment \"" + Requests.clip(name) + "\" in tenant \"" + tenant + "\""));
    }
}
