package dev.atoll.sim.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One seed reproduces one run exactly, in any JVM: not only twice in one process (see {@link
 * SimulationTest}), where hash salts and identity hash codes are the same both times. Two fresh JVMs
 * play the same plan; the second one hashes differently on purpose, so any decision, command or
 * event that follows the iteration order of {@code Set.of}/{@code Map.copyOf} or of identity hash
 * codes (enums, plain objects) makes the event logs differ:
 *
 * <ul>
 *   <li>every JVM salts the iteration order of the JDK's immutable sets and maps anew (the second
 *       JVM is started again until its salt orders sets unlike the first's);
 *   <li>{@code -XX:hashCode=2} gives every object the same identity hash, {@code -Xshare:off} moves
 *       the JDK's own enums off their archived hash codes;
 *   <li>another collector, one processor, less heap, another locale and time zone.
 * </ul>
 */
class DeterminismAcrossProcessesTest {
    private static final long SEED = 5;
    /** A child takes about 10 s; the bound is only there so a hung child cannot hang the build. */
    private static final Duration CHILD_LIMIT = Duration.ofSeconds(150);

    /** How many JVMs may be started to find one whose salt differs from the first (each half the time). */
    private static final int MAX_SALT_DRAWS = 20;

    private static final List<String> PLAIN = List.of("-Xmx512m");
    private static final List<String> HASHING_DIFFERENTLY = List.of(
            // A JDK without one of these flags still runs the child, just with fewer differences.
            "-XX:+IgnoreUnrecognizedVMOptions",
            "-Xshare:off",
            "-XX:+UnlockExperimentalVMOptions",
            "-XX:hashCode=2",
            "-XX:+UseSerialGC",
            "-XX:ActiveProcessorCount=1",
            "-Xmx256m",
            "-Duser.language=de",
            "-Duser.country=DE",
            "-Duser.timezone=Asia/Kolkata");

    @TempDir
    Path dir;

    @Test
    void givenOneSeed_whenPlayedInTwoFreshJvmsThatHashDifferently_thenTheEventLogsAreIdentical() throws Exception {
        long deadline = System.nanoTime() + CHILD_LIMIT.toNanos();
        List<Child> started = new ArrayList<>();
        try {
            Child plain = Child.start("plain", PLAIN, dir);
            started.add(plain);
            String plainHashing = plain.hashing(deadline);
            // Each JVM draws its salt at random: one that happens to order sets as the first one
            // would prove nothing, so it is replaced (at the cost of a JVM start) until one differs.
            Child other = null;
            for (int attempt = 1; attempt <= MAX_SALT_DRAWS && other == null; attempt++) {
                Child candidate = Child.start("hashing-differently-" + attempt, HASHING_DIFFERENTLY, dir);
                started.add(candidate);
                if (orderDiffers(plainHashing, candidate.hashing(deadline))) other = candidate;
                else candidate.process.destroyForcibly();
            }
            assertThat(other)
                    .as("a JVM ordering sets unlike " + plainHashing + " in " + MAX_SALT_DRAWS + " starts")
                    .isNotNull();
            List<String> first = plain.await(deadline);
            List<String> second = other.await(deadline);
            assertThat(first).as("the plan's event log").hasSizeGreaterThan(300);
            if (!first.equals(second)) fail(firstDifference(first, second));
            assertThat(other.digest()).isEqualTo(plain.digest());
            System.out.println("one event log (" + plain.digest() + ") from JVMs whose sets iterate as "
                    + plainHashing.substring("hashing ".length()) + " and "
                    + other.hashing(deadline).substring("hashing ".length()) + ", the second one started "
                    + other.name());
        } finally {
            started.forEach(c -> c.process.destroyForcibly());
        }
    }

    /** Both the set of two and the set of eight iterate in another order (see {@link DeterminismProbe#hashing}). */
    private static boolean orderDiffers(String a, String b) {
        String[] x = a.split(" \\[");
        String[] y = b.split(" \\[");
        return !x[1].equals(y[1]) && !x[2].equals(y[2]);
    }

    /** A JVM running {@link DeterminismProbe} with its own flags; output and log go to files. */
    private record Child(String name, Process process, Path log, Path out, Path err) {
        static Child start(String name, List<String> jvmFlags, Path dir) throws IOException {
            String java = ProcessHandle.current()
                    .info()
                    .command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                            .toString());
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(jvmFlags);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(DeterminismProbe.class.getName());
            command.add(Long.toString(SEED));
            Path log = dir.resolve(name + ".log");
            command.add(log.toString());
            Path out = dir.resolve(name + ".out");
            Path err = dir.resolve(name + ".err");
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            return new Child(name, process, log, out, err);
        }

        /** The first line the child prints, how it orders sets; waits for it until {@code deadline}. */
        String hashing(long deadline) throws IOException, InterruptedException {
            while (true) {
                String printed = Files.readString(out, StandardCharsets.UTF_8);
                int end = printed.indexOf('\n');
                if (end > 0) return printed.substring(0, end).strip();
                if (!process.isAlive())
                    fail("the " + name + " JVM exited with " + process.exitValue() + "\n" + tail(err));
                if (System.nanoTime() > deadline) fail("the " + name + " JVM did not start in time\n" + tail(err));
                Thread.sleep(20);
            }
        }

        /** The child's event log and fingerprint, once it exited cleanly before {@code deadline}. */
        List<String> await(long deadline) throws IOException, InterruptedException {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                fail("the " + name + " JVM did not finish within " + CHILD_LIMIT.toSeconds() + " s\n" + tail(err));
            }
            if (process.exitValue() != 0) {
                fail("the " + name + " JVM exited with " + process.exitValue() + "\n" + tail(err));
            }
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        }

        /** The digest the child printed for its event log, with the number of lines. */
        String digest() throws IOException {
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.getLast();
        }

        private static String tail(Path file) throws IOException {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
    }

    /** Where two logs part, with a few lines before and after it, and both fingerprints. */
    static String firstDifference(List<String> plain, List<String> other) {
        int at = 0;
        while (at < plain.size() && at < other.size() && plain.get(at).equals(other.get(at))) at++;
        StringBuilder b = new StringBuilder("the event logs differ from line " + (at + 1) + " (of " + plain.size()
                + " and " + other.size() + " lines)\n");
        for (int i = Math.max(0, at - 5); i < at; i++)
            b.append("    both   ").append(plain.get(i)).append('\n');
        for (int i = at; i < Math.min(at + 12, Math.max(plain.size(), other.size())); i++) {
            String p = i < plain.size() ? plain.get(i) : "(end)";
            String o = i < other.size() ? other.get(i) : "(end)";
            if (p.equals(o)) {
                b.append("    both   ").append(p).append('\n');
            } else {
                b.append("  plain    ").append(p).append('\n');
                b.append("  other    ").append(o).append('\n');
            }
        }
        b.append("fingerprints:\n");
        plain.stream()
                .filter(l -> l.startsWith("# "))
                .forEach(l -> b.append("  plain    ").append(l).append('\n'));
        other.stream()
                .filter(l -> l.startsWith("# "))
                .forEach(l -> b.append("  other    ").append(l).append('\n'));
        return b.toString();
    }
}
