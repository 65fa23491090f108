package dev.atoll.api.move;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.api.problem.Problem;
import dev.atoll.api.problem.ProblemException;
import dev.atoll.api.problem.Problems;
import dev.atoll.api.request.Requests;
import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.view.MoveOutcome;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Moving instances and draining nodes: {@code POST /v1/environments/{name}/instances/{instance}/move}
 * (a deployer of the environment's tenant) and {@code POST}/{@code DELETE
 * /v1/sites/{site}/nodes/{node}/drain} (the cloud admin: a node is shared by every tenant). Both are
 * asynchronous: 202 with where to watch.
 */
public final class MoveRoutes {
    private final CloudApi cloud;

    public MoveRoutes(CloudApi cloud) {
        this.cloud = cloud;
    }

    /** Body {"to": "SITE" or "SITE/NODE"}. */
    public void move(Context ctx) {
        String tenant = Requests.tenant(ctx);
        String environment = ctx.pathParam("name");
        String to = readTo(Requests.body(ctx, Requests.MAX_BODY_BYTES));
        respond(ctx, cloud.move(tenant, environment, ctx.pathParam("instance"), to), environment);
    }

    public void drain(Context ctx) {
        Requests.tenant(ctx);
        respond(ctx, cloud.drain(ctx.pathParam("site"), ctx.pathParam("node"), true), null);
    }

    public void undrain(Context ctx) {
        Requests.tenant(ctx);
        respond(ctx, cloud.drain(ctx.pathParam("site"), ctx.pathParam("node"), false), null);
    }

    static String readTo(String body) {
        JsonNode tree;
        try {
            tree = AtollJson.json().readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(
                    Problem.badField("to", "the body must be a JSON object like {\"to\": \"paris/n2\"}"));
        }
        if (tree == null || !tree.isObject()) {
            throw new ProblemException(
                    Problem.badField("to", "the body must be a JSON object like {\"to\": \"paris/n2\"}"));
        }
        List<FieldError> unknown = new ArrayList<>();
        tree.fieldNames().forEachRemaining(f -> {
            if (!Set.of("to").contains(f)) unknown.add(new FieldError(f, "unknown field"));
        });
        if (!unknown.isEmpty()) throw new ProblemException(Problem.invalid("the body has unknown fields", unknown));
        JsonNode to = tree.get("to");
        if (to == null || to.isNull())
            throw new ProblemException(Problem.badField("to", "is required: SITE or SITE/NODE"));
        if (!to.isTextual()) throw new ProblemException(Problem.badField("to", "must be a string: SITE or SITE/NODE"));
        return to.asText();
    }

    private static void respond(Context ctx, MoveOutcome outcome, String environment) {
        switch (outcome) {
            case MoveOutcome.Started s -> {
                String events = "/v1/events?environment=" + s.environment();
                ctx.header("Location", events);
                ctx.status(202)
                        .json(AtollJson.json()
                                .createObjectNode()
                                .put("outcome", "moving")
                                .put("instance", s.instance())
                                .put("environment", s.environment())
                                .put("from", s.from())
                                .put("to", s.to())
                                .put("events", events));
            }
            case MoveOutcome.Draining d ->
                ctx.status(202)
                        .json(AtollJson.json()
                                .createObjectNode()
                                .put("outcome", d.draining() ? "draining" : "undrained")
                                .put("site", d.site())
                                .put("node", d.node())
                                .put("instances", d.replicas())
                                .put("progress", "/v1/nodes?site=" + d.site())
                                .put("events", "/v1/events"));
            case MoveOutcome.NotFound nf -> Problems.respond(ctx, Problem.of(404, nf.message()));
            case MoveOutcome.Conflict c -> Problems.respond(ctx, Problem.of(409, c.message()));
            case MoveOutcome.Unavailable u -> Problems.respond(ctx, Problem.of(503, u.message()));
            case MoveOutcome.Rejected r -> {
                String first = r.errors().isEmpty() ? "" : ": " + r.errors().getFirst();
                Problems.respond(ctx, Problem.invalid("the move was not accepted" + first, r.errors()));
            }
        }
    }
}
