package dev.atoll.control.home;

import dev.atoll.control.federation.HomeClaim;
import dev.atoll.control.federation.ReplicaStatus;
import dev.atoll.control.site.SiteState.Deleted;
import dev.atoll.control.site.SiteState.HomedEnvironment;
import dev.atoll.model.instance.InstanceId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replicas that answer to this site as their home although it homes no such environment: strays.
 * They are left when a delete or a new home could not reach a site (a partition), and nothing else
 * would ever stop them. Found by the simulator (chaos, seed 15): an environment adopted by a buddy
 * during a partition and deleted there kept one copy on each side of it for good.
 *
 * <p>A home that deleted the environment releases its strays under the claim it held. A home that
 * was superseded tells the site the stronger claim it learnt, so the stray answers to the new home,
 * which decides. Pure: the site controller carries the steps out.
 */
public final class StrayReplicas {
    private StrayReplicas() {}

    public sealed interface Step {}

    /** Stop a stray of an environment this home deleted. */
    public record Release(InstanceId id, String site, long generation, HomeClaim by) implements Step {}

    /** Tell {@code site} that {@code standing} homes the environment now. */
    public record TellHome(String site, String tenant, String environment, HomeClaim standing) implements Step {}

    public static List<Step> decide(
            String thisSite,
            Observed observed,
            Map<String, HomedEnvironment> homed,
            Map<String, Deleted> deletedHere,
            Map<String, HomeClaim> claims) {
        List<Step> steps = new ArrayList<>();
        // A home observes thousands of environments it homes and a few it does not: only those are
        // strays, and only they are put in order.
        List<String> notHomed = new ArrayList<>();
        for (String key : observed.byEnvironment().keySet()) if (!homed.containsKey(key)) notHomed.add(key);
        notHomed.sort(null);
        for (String key : notHomed) {
            HomeClaim standing = claims.get(key);
            Deleted deleted = deletedHere.get(key);
            Set<String> toldSites = new LinkedHashSet<>();
            for (Observed.ReplicaAt at : observed.replicasOf(key)) {
                if (observed.deadSites().contains(at.site())) continue;
                ReplicaStatus status = at.status();
                if (standing != null && !standing.homeSite().equals(thisSite)) {
                    if (toldSites.add(at.site())) {
                        steps.add(new TellHome(
                                at.site(), status.id().tenant(), status.id().environment(), standing));
                    }
                } else if (deleted != null) {
                    steps.add(new Release(status.id(), at.site(), status.generation(), deleted.claimAs(thisSite)));
                }
            }
        }
        return steps;
    }
}
