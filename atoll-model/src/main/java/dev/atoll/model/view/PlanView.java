package dev.atoll.model.view;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The plan a site's background optimizer keeps for its own placement, as {@code GET /v1/plans} and
 * {@code atoll plan show} give it. A tenant sees only the moves of its own instances and no report
 * (the objective is the whole site's); the cloud admin sees everything.
 *
 * @param computedAt when the optimizer ran
 * @param applying whether the plan is being applied (gradually, under the site's move rate limit)
 * @param applied moves of the plan the site has asked the homes for so far
 * @param report the plan as {@code PlanReport} prints it (objective before and after, term by term,
 *     then the moves); null for a tenant
 */
public record PlanView(
        String site, Instant computedAt, boolean applying, int applied, List<PlannedMove> moves, String report) {
    public PlanView {
        Objects.requireNonNull(site, "site");
        moves = moves == null ? List.of() : List.copyOf(moves);
    }

    /** One move of a plan, in the order the plan applies them. */
    public record PlannedMove(int order, String tenant, String environment, String instance, String from, String to) {}

    /** What a tenant may see of it: its own instances' moves, no report. */
    public PlanView forTenant(String tenant) {
        return new PlanView(
                site,
                computedAt,
                applying,
                applied,
                moves.stream().filter(m -> m.tenant().equals(tenant)).toList(),
                null);
    }
}
