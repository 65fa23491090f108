package dev.atoll.control.home;

import dev.atoll.control.federation.ReplicaStatus;
import dev.atoll.control.site.SiteState.HomedEnvironment;
import dev.atoll.control.site.SiteState.ReplicaPlacement;
import dev.atoll.control.site.SiteState.Unplaceable;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.spec.ServiceSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, for one environment homed at this site, what to do next: place missing replicas, release
 * unwanted ones, and roll outdated ones one at a time. A pure function of what the home knows; the
 * site controller carries the actions out.
 *
 * <p>A rolling update is health-gated: the next outdated replica of a service is replaced only once
 * every replica already updated is running, so a broken new template stops after one replica.
 */
public final class EnvironmentReconciler {
    private EnvironmentReconciler() {}

    /**
     * @param placements the home's placements of this environment's replicas, by instance key
     * @param unplaceable replicas of this environment that found no site, by instance key
     * @param observed what target sites report of these replicas, and which sites are dead
     * @param busy instance keys with an action still under way (not decided again until it ends)
     */
    public static List<HomeAction> decide(
            HomedEnvironment environment,
            Map<String, ReplicaPlacement> placements,
            Map<String, Unplaceable> unplaceable,
            Observed observed,
            Set<String> busy,
            Instant now) {
        var spec = environment.spec();
        List<HomeAction> actions = new ArrayList<>();

        for (ReplicaPlacement p : sorted(placements)) {
            ServiceSpec service = spec.services().get(p.id().service());
            boolean wanted = !environment.deleting() && service != null && p.id().index() < service.replicas();
            if (!wanted && !busy.contains(p.id().key())) {
                actions.add(new HomeAction.Release(p.id(), p.site(), p.generation()));
            }
        }
        actions.addAll(staleCopies(environment, placements, observed, busy));
        if (environment.deleting()) {
            if (placements.isEmpty() && busy.isEmpty()) {
                actions.add(new HomeAction.Forget(spec.tenant(), spec.name()));
            }
            return actions;
        }

        for (var entry : spec.services().entrySet()) {
            ServiceSpec service = entry.getValue();
            long templateVersion = environment.templateVersions().getOrDefault(entry.getKey(), environment.version());
            List<InstanceId> missing = new ArrayList<>();
            List<ReplicaPlacement> outdated = new ArrayList<>();
            List<ReplicaPlacement> lost = new ArrayList<>();
            boolean updateInProgress = false;
            for (int index = 0; index < service.replicas(); index++) {
                var id = new InstanceId(spec.tenant(), spec.name(), service.name(), index);
                String key = id.key();
                ReplicaPlacement p = placements.get(key);
                if (busy.contains(key)) {
                    updateInProgress = true;
                    continue;
                }
                ReplicaStatus status = p == null ? null : observed.at(p.site(), key);
                if (p == null) {
                    Unplaceable u = unplaceable.get(key);
                    if (u == null || !now.isBefore(u.retryAt())) missing.add(id);
                } else if (observed.deadSites().contains(p.site())
                        || isLost(status, p)
                        || observed.vanished().contains(key)) {
                    Unplaceable u = unplaceable.get(key);
                    if (u == null || !now.isBefore(u.retryAt())) lost.add(p);
                } else if (p.templateVersion() < templateVersion) {
                    outdated.add(p);
                } else if (!isRunning(status, p)) {
                    updateInProgress = true;
                }
            }
            int stillToPlace = missing.size();
            for (InstanceId id : missing) {
                actions.add(new HomeAction.Place(id, 1, service, templateVersion, stillToPlace--, Optional.empty()));
            }
            // A replica lost with its node (or its site, or vanished from a site that lives) is
            // placed again at once, not gated like an update.
            for (ReplicaPlacement p : lost) {
                actions.add(new HomeAction.Place(
                        p.id(),
                        p.generation() + 1,
                        service,
                        templateVersion,
                        1,
                        Optional.of(new HomeAction.Placed(p.site(), p.generation()))));
            }
            if (!outdated.isEmpty() && !updateInProgress) {
                // Replace a replica that is not serving anyway before one that is.
                ReplicaPlacement next = outdated.stream()
                        .min(Comparator.comparing(
                                        (ReplicaPlacement p) -> isRunning(observed.at(p.site(), p.id().key()), p))
                                .thenComparingInt(p -> p.id().index()))
                        .orElseThrow();
                actions.add(new HomeAction.Place(
                        next.id(),
                        next.generation() + 1,
                        service,
                        templateVersion,
                        1,
                        Optional.of(new HomeAction.Placed(next.site(), next.generation()))));
            }
        }
        return actions;
    }

    /**
     * Copies that sites still run but the home no longer counts on: an older generation, or one on
     * another site than the placement says (a site back from a partition), or one whose placement
     * was released. The target stops a copy only if its generation is not newer, so this never
     * stops the replica the home counts on.
     */
    private static List<HomeAction> staleCopies(
            HomedEnvironment environment,
            Map<String, ReplicaPlacement> placements,
            Observed observed,
            Set<String> busy) {
        String prefix = environment.key() + ".";
        List<HomeAction> stale = new ArrayList<>();
        for (Observed.ReplicaAt at : observed.replicasOf(environment.key())) {
            if (observed.deadSites().contains(at.site())) continue;
            ReplicaStatus status = at.status();
            String key = status.id().key();
            if (!key.startsWith(prefix) || busy.contains(key)) continue;
            ReplicaPlacement p = placements.get(key);
            boolean current = p != null && p.site().equals(at.site()) && p.generation() == status.generation();
            // A newer copy where the placement is (the new copy of a move that failed, not gone yet):
            // releasing its generation there would stop the placement's copy too. Its move releases it.
            boolean newerBesideIt = p != null && p.site().equals(at.site()) && status.generation() > p.generation();
            if (!current && !newerBesideIt)
                stale.add(new HomeAction.ReleaseStale(status.id(), at.site(), status.generation()));
        }
        return stale;
    }

    private static boolean isLost(ReplicaStatus status, ReplicaPlacement p) {
        return status != null && status.generation() == p.generation() && status.nodeDown();
    }

    private static boolean isRunning(ReplicaStatus status, ReplicaPlacement p) {
        return status != null && status.generation() == p.generation() && status.state() == InstanceState.RUNNING;
    }

    private static List<ReplicaPlacement> sorted(Map<String, ReplicaPlacement> placements) {
        return placements.values().stream()
                .sorted(Comparator.comparing((ReplicaPlacement p) -> p.id().service())
                        .thenComparingInt(p -> p.id().index()))
                .toList();
    }
}
