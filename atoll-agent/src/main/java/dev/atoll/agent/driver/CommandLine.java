package dev.atoll.agent.driver;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a command as written in a spec into the argv to execute: {@code ${VAR}} references are
 * replaced from the instance's environment ({@code $$} is a literal {@code $}; any other {@code $}
 * stays as it is, so {@code sh -c 'echo $HOME'} still reaches the shell), and argv[0] is resolved
 * through the environment's PATH so that a typo is reported before anything is forked.
 */
public final class CommandLine {
    /** Used when the instance's environment has no PATH at all. */
    static final String FALLBACK_PATH = "/usr/local/bin:/usr/bin:/bin";

    private CommandLine() {}

    /** The argv to execute, with argv[0] an absolute path to an executable file. */
    public static List<String> prepare(List<String> command, Map<String, String> environment) throws LaunchException {
        if (command.isEmpty()) throw new LaunchException("command is empty");
        var argv = new ArrayList<String>(command.size());
        for (String arg : command) argv.add(expand(arg, environment));
        argv.set(0, resolveExecutable(argv.get(0), environment.getOrDefault("PATH", FALLBACK_PATH)));
        return List.copyOf(argv);
    }

    /** Replaces {@code ${NAME}} with the variable's value and {@code $$} with {@code $}. */
    public static String expand(String arg, Map<String, String> environment) throws LaunchException {
        if (arg.indexOf('$') < 0) return arg;
        var out = new StringBuilder(arg.length());
        int i = 0;
        while (i < arg.length()) {
            char c = arg.charAt(i);
            if (c != '$' || i + 1 == arg.length()) {
                out.append(c);
                i++;
            } else if (arg.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (arg.charAt(i + 1) == '{') {
                int close = arg.indexOf('}', i + 2);
                if (close < 0) throw new LaunchException("unclosed ${ in command argument \"" + arg + "\"");
                String name = arg.substring(i + 2, close);
                String value = environment.get(name);
                if (value == null) {
                    throw new LaunchException("command refers to ${" + name + "}, which is not set");
                }
                out.append(value);
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /**
     * A name without a slash is looked up in PATH, as a shell would; a name with one is taken as a
     * path (relative ones from the agent's own working directory, where the user started it).
     */
    static String resolveExecutable(String name, String path) throws LaunchException {
        if (name.isEmpty()) throw new LaunchException("command is empty");
        try {
            if (name.indexOf('/') >= 0) {
                Path file = Path.of(name).toAbsolutePath();
                if (!Files.isRegularFile(file)) throw new LaunchException("command not found: " + name);
                if (!Files.isExecutable(file)) throw new LaunchException("command is not executable: " + file);
                return file.toString();
            }
            for (String dir : path.split(":")) {
                if (dir.isEmpty()) continue;
                Path file = Path.of(dir, name);
                if (Files.isRegularFile(file) && Files.isExecutable(file)) return file.toString();
            }
        } catch (InvalidPathException e) {
            throw new LaunchException("command is not a valid file name: " + name, e);
        }
        throw new LaunchException("command not found: " + name);
    }
}
