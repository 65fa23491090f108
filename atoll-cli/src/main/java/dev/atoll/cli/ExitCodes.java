package dev.atoll.cli;

/** The exit codes scripts can rely on. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The command ran and failed: invalid spec, API problem, deploy not ready. */
    public static final int FAILED = 1;
    /** The command could not run: a usage error, or the server cannot be reached. */
    public static final int CANNOT_RUN = 2;

    private ExitCodes() {}
}
