package dev.atoll.testhosts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Commands that start a class of the test JVM's own class path in a new JVM, e.g. inside a {@link Host}. */
public final class JavaCommand {
    private JavaCommand() {}

    /**
     * {@code java -cp <this JVM's class path> mainClass args...}, run by the same java executable as the test. Under
     * Surefire the class path is its manifest-only booter jar, which works as well for the child.
     */
    public static List<String> of(Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable().toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }

    public static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
