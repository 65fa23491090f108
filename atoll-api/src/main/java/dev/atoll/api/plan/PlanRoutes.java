package dev.atoll.api.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.api.auth.Authenticator;
import dev.atoll.api.problem.Problem;
import dev.atoll.api.problem.ProblemException;
import dev.atoll.api.problem.Problems;
import dev.atoll.api.request.Requests;
import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.view.PlanView;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sites' rebalancing plans: {@code GET /v1/plans} (anyone; a tenant sees only its own
 * instances' moves, the cloud admin everything with each site's report) and {@code POST
 * /v1/plans/{site}/apply} (the cloud admin: a plan moves every tenant's instances).
 */
public final class PlanRoutes {
    /** The most nearest sites a region plan takes in: a solve grows with the nodes it weighs. */
    public static final int MAX_REGION = 16;

    private final CloudApi cloud;

    public PlanRoutes(CloudApi cloud) {
        this.cloud = cloud;
    }

    public void list(Context ctx) {
        String tenant = Requests.tenant(ctx);
        boolean cloudAdmin = Authenticator.caller(ctx).cloudAdmin();
        int region = Requests.queryInt(ctx, "region", 0, 0, MAX_REGION);
        ctx.json(cloud.plans(tenant, cloudAdmin, Requests.queryFilter(ctx, "site"), region));
    }

    public void apply(Context ctx) {
        Requests.tenant(ctx);
        checkEmptyBody(Requests.body(ctx, Requests.MAX_BODY_BYTES));
        String site = ctx.pathParam("site");
        Optional<PlanView> plan;
        try {
            plan = cloud.applyPlan(site);
        } catch (IllegalStateException e) {
            Problems.respond(ctx, Problem.of(503, e.getMessage()));
            return;
        }
        if (plan.isEmpty()) {
            Problems.respond(
                    ctx,
                    Problem.of(404, "site " + site + " does not answer now or runs no optimizer; see GET /v1/plans"));
            return;
        }
        ctx.status(202).json(plan.get());
    }

    /** The body may be absent or {}: the route takes no options yet. */
    static void checkEmptyBody(String body) {
        if (body == null || body.isBlank()) return;
        JsonNode tree;
        try {
            tree = AtollJson.json().readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(Problem.badField("body", "must be empty or a JSON object {}"));
        }
        if (tree == null || !tree.isObject())
            throw new ProblemException(Problem.badField("body", "must be empty or a JSON object {}"));
        List<FieldError> unknown = new ArrayList<>();
        tree.fieldNames().forEachRemaining(f -> unknown.add(new FieldError(f, "unknown field")));
        if (!unknown.isEmpty()) throw new ProblemException(Problem.invalid("the body has unknown fields", unknown));
    }
}
