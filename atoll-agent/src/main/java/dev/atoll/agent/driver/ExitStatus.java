package dev.atoll.agent.driver;

import java.util.OptionalInt;

/**
 * How a workload ended. The code is unknown for a process this agent did not start itself (adopted
 * after an agent restart): the operating system only tells a parent its child's exit code.
 */
public record ExitStatus(OptionalInt code) {
    public static ExitStatus of(int code) {
        return new ExitStatus(OptionalInt.of(code));
    }

    public static ExitStatus unknown() {
        return new ExitStatus(OptionalInt.empty());
    }

    /** An unknown code counts as a failure, so that {@code on-failure} restarts it. */
    public boolean succeeded() {
        return code.isPresent() && code.getAsInt() == 0;
    }

    public String describe() {
        if (code.isEmpty()) return "exited (exit code unknown: process was adopted)";
        int c = code.getAsInt();
        // The JDK reports death by signal N as 128 + N, as shells do.
        if (c > 128 && c < 128 + 65) return "exited with code " + c + " (killed by signal " + (c - 128) + ")";
        return "exited with code " + c;
    }
}
