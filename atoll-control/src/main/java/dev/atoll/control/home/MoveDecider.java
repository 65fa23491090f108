package dev.atoll.control.home;

import dev.atoll.control.federation.ReplicaStatus;
import dev.atoll.control.site.SiteState.HomedEnvironment;
import dev.atoll.control.site.SiteState.MoveUnderWay;
import dev.atoll.control.site.SiteState.MoveUnderWay.Phase;
import dev.atoll.control.site.SiteState.ReplicaPlacement;
import dev.atoll.model.instance.InstanceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides the next step of each move under way for one environment homed here (make before break):
 * place the new copy, switch to it once it runs, release the old copy, or give up and keep the
 * original. A pure function of what the home knows; the site controller carries the steps out.
 *
 * <p>While a replica moves, {@link EnvironmentReconciler} leaves it alone (its key counts as busy
 * there): its two copies are this decider's to keep or stop.
 */
public final class MoveDecider {
    /** How long a new copy may take from the start of the move to running before the move is given up. */
    public static final Duration MOVE_TIMEOUT = Duration.ofSeconds(60);

    private MoveDecider() {}

    /** One step of a move. */
    public sealed interface Step {
        MoveUnderWay move();
    }

    /** Offer the new copy to the destination (the node pinned when the move names one). */
    public record PlaceCopy(MoveUnderWay move) implements Step {}

    /** The new copy runs: make it the placement. */
    public record Switch(MoveUnderWay move) implements Step {}

    /**
     * A micro-VM's new copy waits for the memory at {@code move.migrateTo()}: tell the original's
     * site to send it (live migration). Decided again while the new copy does not run; the
     * controller tells each source once.
     */
    public record SendMemory(MoveUnderWay move) implements Step {}

    /** Switched: stop the old copy, then end the move. */
    public record ReleaseOld(MoveUnderWay move) implements Step {}

    /** Release the new copy (if any) and end the move as failed; the original keeps running. */
    public record GiveUp(MoveUnderWay move, String reason) implements Step {}

    /**
     * @param moves the environment's moves under way, by instance key
     * @param busy instance keys with a step still under way (not decided again until it ends)
     */
    public static List<Step> decide(
            HomedEnvironment environment,
            Map<String, MoveUnderWay> moves,
            Map<String, ReplicaPlacement> placements,
            Observed observed,
            Set<String> busy,
            Instant now) {
        List<Step> steps = new ArrayList<>();
        for (var entry : moves.entrySet()) {
            String key = entry.getKey();
            MoveUnderWay m = entry.getValue();
            if (busy.contains(key)) continue;
            ReplicaPlacement p = placements.get(key);
            if (m.phase() == Phase.SWITCHED) {
                steps.add(new ReleaseOld(m));
                continue;
            }
            String lost = originalLost(environment, m, p, observed);
            if (lost != null) {
                steps.add(new GiveUp(m, lost));
                continue;
            }
            boolean late = !now.isBefore(m.startedAt().plus(MOVE_TIMEOUT));
            switch (m.phase()) {
                case PLACING -> {
                    if (late) steps.add(new GiveUp(m, "no place found in " + MOVE_TIMEOUT.toSeconds() + " s"));
                    else steps.add(new PlaceCopy(m));
                }
                case STARTING -> {
                    ReplicaStatus copy = observed.at(m.placedAt(), key);
                    boolean ours = copy != null && copy.generation() == m.toGeneration();
                    if (observed.deadSites().contains(m.placedAt())) {
                        steps.add(new GiveUp(m, "destination site " + m.placedAt() + " is dead"));
                    } else if (ours && copy.nodeDown()) {
                        steps.add(new GiveUp(m, "the new instance's node " + copy.node() + " is down"));
                    } else if (ours && failing(copy.state())) {
                        steps.add(new GiveUp(
                                m,
                                "the new instance is " + copy.state().wireName()
                                        + (copy.message().isEmpty() ? "" : " (" + copy.message() + ")")));
                    } else if (ours && copy.state() == InstanceState.RUNNING) {
                        steps.add(new Switch(m));
                    } else if (late) {
                        steps.add(new GiveUp(
                                m,
                                "the new instance was not healthy within " + MOVE_TIMEOUT.toSeconds() + " s"
                                        + (ours ? " (it is " + copy.state().wireName() + ")" : "")));
                    } else if (m.migrateTo() != null) {
                        steps.add(new SendMemory(m));
                    }
                }
                case SWITCHED -> throw new AssertionError("handled above");
            }
        }
        return steps;
    }

    /**
     * The replicas of the environment that run on a draining node (their site says so) and do not
     * move yet: each is to move off it, by instance key.
     */
    public static List<ReplicaPlacement> drained(
            Map<String, ReplicaPlacement> placements,
            Map<String, MoveUnderWay> moves,
            Observed observed,
            Set<String> busy) {
        List<ReplicaPlacement> off = new ArrayList<>();
        for (ReplicaPlacement p : placements.values()) {
            String key = p.id().key();
            if (moves.containsKey(key) || busy.contains(key)) continue;
            ReplicaStatus status = observed.at(p.site(), key);
            if (status != null && status.generation() == p.generation() && status.draining() && !status.nodeDown())
                off.add(p);
        }
        return off;
    }

    /** Why the move cannot go on because of the original (deleted, lost, replaced), or null. */
    private static String originalLost(
            HomedEnvironment environment, MoveUnderWay m, ReplicaPlacement p, Observed observed) {
        if (environment.deleting()) return "the environment is being deleted";
        if (p == null) return "the instance is no longer placed (scaled down?)";
        if (!p.site().equals(m.move().from().site()) || p.generation() != m.fromGeneration()) {
            return "the instance was placed again meanwhile";
        }
        if (observed.deadSites().contains(p.site())) return "the original's site " + p.site() + " is dead";
        return null;
    }

    private static boolean failing(InstanceState state) {
        return state == InstanceState.FAILED || state == InstanceState.CRASH_LOOPING || state == InstanceState.STOPPED;
    }
}
