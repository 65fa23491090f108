package dev.atoll.cli.site;

import static org.awaitility.Awaitility.await;

import dev.atoll.testhosts.JavaCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The `atoll` processes one test starts (controllers, agents), with what each of them said kept for
 * the test's report, and which controller acts as its site. Closing stops them all and the replica
 * processes their agents left (a {@code sleep MARK} no other test runs).
 */
final class SiteProcesses implements AutoCloseable {
    private final String mark;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final StringWriter output = new StringWriter();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    SiteProcesses(String mark) {
        this.mark = mark;
    }

    /**
     * The arguments of `atoll site` for a site {@code name} in London (GB) that takes wire calls on
     * {@code wire}, serves its API on {@code api} and keeps its state in {@code dataDir}, then
     * {@code more}.
     */
    static List<String> siteArgs(String name, String wire, String api, java.nio.file.Path dataDir, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "site",
                "--name",
                name,
                "--lat",
                "51.51",
                "--lon",
                "-0.13",
                "--country",
                "GB",
                "--listen",
                wire,
                "--api",
                api,
                "--data-dir",
                dataDir.toString()));
        args.addAll(List.of(more));
        return args;
    }

    /**
     * Starts site london as three controllers c0, c1 and c2 (data under {@code dir}), each taking wire
     * calls on its address of {@code wires}, peered with the other two, serving its API on {@code
     * apiBase + i}, then {@code more}. Returns the three API addresses, in order.
     */
    List<java.net.URI> spawnThreeControllers(java.nio.file.Path dir, List<String> wires, int apiBase, String... more)
            throws IOException {
        List<java.net.URI> apis = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int api = apiBase + i;
            apis.add(java.net.URI.create("http://127.0.0.1:" + api));
            List<String> peers = new ArrayList<>(wires);
            peers.remove(i);
            List<String> extra = new ArrayList<>(List.of("--peers", String.join(",", peers)));
            extra.addAll(List.of(more));
            spawn(
                    "c" + i,
                    siteArgs(
                            "london",
                            wires.get(i),
                            "127.0.0.1:" + api,
                            dir.resolve("c" + i),
                            extra.toArray(String[]::new)));
        }
        return apis;
    }

    /** Starts `atoll ARGS` as {@code name}, its output prefixed with the name. */
    void spawn(String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(JavaCommand.of(dev.atoll.cli.Main.class, args.toArray(String[]::new)));
        command.add(1, "-Xmx200m");
        command.add(1, "--enable-native-access=ALL-UNNAMED");
        // Netty still uses sun.misc.Unsafe; without this every process starts with four lines of warning.
        if (Runtime.version().feature() >= 23) command.add(1, "--sun-misc-unsafe-memory-access=allow");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.put(name, process);
        Thread.ofVirtual().name("output-" + name).start(() -> {
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (output) {
                        new PrintWriter(output)
                                .append("[" + name + "] " + line + "\n")
                                .flush();
                    }
                }
            } catch (IOException e) {
                // The process ended.
            }
        });
    }

    Process process(String name) {
        return processes.get(name);
    }

    /** Everything the processes said so far. */
    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** Waits until exactly one of {@code candidates} (indexes into {@code apis}) acts as the site, and returns it. */
    int awaitOneLeader(List<URI> apis, List<Integer> candidates) {
        int[] found = new int[1];
        await("one controller acts as the site")
                .atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    List<Integer> leaders = new ArrayList<>();
                    for (int i : candidates) {
                        if (leads(apis.get(i))) leaders.add(i);
                    }
                    if (leaders.size() != 1) return false;
                    found[0] = leaders.getFirst();
                    return true;
                });
        return found[0];
    }

    /** Whether the controller behind {@code api} says (in its metrics) that it acts as its site. */
    boolean leads(URI api) {
        try {
            var response = http.send(
                    HttpRequest.newBuilder(api.resolve("/metrics"))
                            .timeout(Duration.ofSeconds(1))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body().lines().anyMatch(l -> l.startsWith("atoll_site_leader ") && l.endsWith(" 1.0"));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        processes.values().forEach(Process::destroy);
        for (Process p : processes.values()) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        // Agents stop their instances on exit; anything left is this test's and must not linger.
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").endsWith("sleep " + mark))
                .forEach(ProcessHandle::destroyForcibly);
        // Surefire keeps this in the test's report: what each process said, for a failure's cause.
        System.out.println(output());
    }
}
