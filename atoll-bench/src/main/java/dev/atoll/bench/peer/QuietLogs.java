package dev.atoll.bench.peer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peers log through SLF4J to Logback, which prints everything at DEBUG when nobody configured
 * it; CloudSim Plus alone logs a line per VM, and warns of each VM that fits nowhere, under loggers
 * named after its classes' simple names. Their logs would cost time inside the measurement and bury
 * the table, so only errors are kept.
 */
public final class QuietLogs {
    private QuietLogs() {}

    public static void apply() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.ERROR);
        }
    }
}
