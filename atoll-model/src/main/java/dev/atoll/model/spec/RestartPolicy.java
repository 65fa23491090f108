package dev.atoll.model.spec;

/** What the node agent does when an instance's process ends. */
public enum RestartPolicy {
    ALWAYS("always"),
    ON_FAILURE("on-failure"),
    NEVER("never");

    private final String wireName;

    RestartPolicy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static java.util.Optional<RestartPolicy> fromWireName(String name) {
        for (var k : values()) if (k.wireName.equals(name)) return java.util.Optional.of(k);
        return java.util.Optional.empty();
    }

    public boolean restartsAfter(int exitCode) {
        return switch (this) {
            case ALWAYS -> true;
            case ON_FAILURE -> exitCode != 0;
            case NEVER -> false;
        };
    }
}
