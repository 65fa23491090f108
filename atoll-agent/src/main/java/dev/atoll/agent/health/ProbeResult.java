package dev.atoll.agent.health;

/** The outcome of one health probe; {@code detail} says what went wrong (or what answered). */
public record ProbeResult(boolean healthy, String detail) {
    public static ProbeResult healthy(String detail) {
        return new ProbeResult(true, detail);
    }

    public static ProbeResult unhealthy(String detail) {
        return new ProbeResult(false, detail);
    }
}
