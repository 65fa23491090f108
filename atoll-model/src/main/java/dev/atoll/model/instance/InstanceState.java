package dev.atoll.model.instance;

/** The life of one replica, as users see it. */
public enum InstanceState {
    /** Placed, waiting for its node to start it. */
    PENDING("pending"),
    /** Started, health not yet confirmed. */
    STARTING("starting"),
    RUNNING("running"),
    /** Running but failing its health check. */
    UNHEALTHY("unhealthy"),
    /** Exits again and again; the agent restarts it with a growing back-off. */
    CRASH_LOOPING("crash-looping"),
    STOPPING("stopping"),
    STOPPED("stopped"),
    /** Ended and will not be restarted (restart policy, or it could not be started). */
    FAILED("failed"),
    /** No node anywhere satisfies its hard constraints; the message says why. */
    UNPLACEABLE("unplaceable");

    private final String wireName;

    InstanceState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static java.util.Optional<InstanceState> fromWireName(String name) {
        for (var s : values()) if (s.wireName.equals(name)) return java.util.Optional.of(s);
        return java.util.Optional.empty();
    }

    /** Whether the replica counts as serving for rollouts and "deploy finished" checks. */
    public boolean isHealthy() {
        return this == RUNNING;
    }
}
