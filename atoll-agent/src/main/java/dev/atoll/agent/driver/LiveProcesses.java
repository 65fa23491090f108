package dev.atoll.agent.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What every driver asks of the processes it watches. */
public final class LiveProcesses {
    private LiveProcesses() {}

    /**
     * Alive and not a zombie. The JDK counts a zombie as alive; an orphan's zombie lingers until
     * init reaps it (some container inits do that only about once a second), and a container's init
     * is a zombie until runc reaps it.
     */
    public static boolean running(ProcessHandle h) {
        if (!h.isAlive()) return false;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            int afterName = stat.lastIndexOf(')');
            return afterName < 0 || afterName + 2 >= stat.length() || stat.charAt(afterName + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return h.isAlive(); // no /proc (not Linux) or it just went away
        }
    }
}
