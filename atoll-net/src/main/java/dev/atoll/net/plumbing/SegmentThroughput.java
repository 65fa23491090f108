package dev.atoll.net.plumbing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.model.json.AtollJson;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Measures TCP throughput between two network namespaces with iperf3: between two instances over a segment, or
 * between two nodes over the underlay, so the cost of the overlay can be read as the ratio of the two. A benchmark:
 * the figures are printed, never asserted.
 */
public final class SegmentThroughput {
    private static final Duration SERVER_START = Duration.ofSeconds(10);
    private static final Duration SERVER_EXIT = Duration.ofSeconds(5);
    /** iperf3's client connects, negotiates and reports on top of the measured time. */
    private static final Duration CLIENT_SLACK = Duration.ofSeconds(30);

    private SegmentThroughput() {}

    /** What one run received, in bits per second. */
    public record Result(double bitsPerSecond) {
        public double gigabitsPerSecond() {
            return bitsPerSecond / 1e9;
        }
    }

    /** Whether iperf3 is installed here. */
    public static boolean available() {
        return LocalHostCommands.locate("iperf3").isPresent();
    }

    /**
     * Runs a one-shot iperf3 server in {@code serverNamespace} (a name under /run/netns) and a client in {@code
     * clientNamespace} sending to {@code serverAddress} for {@code duration}, and returns what the server received.
     */
    public static Result measure(
            String serverNamespace, String clientNamespace, String serverAddress, Duration duration)
            throws IOException {
        Attachment.requireNamespace(serverNamespace);
        Attachment.requireNamespace(clientNamespace);
        Ipv4.parse(serverAddress);
        long seconds = Math.max(1, duration.toSeconds());
        String iperf3 = LocalHostCommands.locate("iperf3")
                .map(Path::toString)
                .orElseThrow(() -> new IOException("iperf3 is not installed"));
        String nsenter = LocalHostCommands.locate("nsenter").map(Path::toString).orElse("nsenter");

        // --forceflush: with its stdout on a pipe iperf3 would hold "Server listening" back until it exits.
        Process server = new ProcessBuilder(List.of(
                        nsenter, "--net=/run/netns/" + serverNamespace, "--", iperf3, "-s", "-1", "--forceflush"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .start();
        try {
            awaitListening(server);
            CommandResult client = LocalHostCommands.inNamespace(
                            clientNamespace, Duration.ofSeconds(seconds).plus(CLIENT_SLACK))
                    .run(List.of(iperf3, "-c", serverAddress, "-t", Long.toString(seconds), "-J"));
            double bitsPerSecond = receivedBitsPerSecond(client.stdout());
            if (!client.succeeded()) {
                throw new IOException("iperf3 client in " + clientNamespace + " exited with " + client.exitCode() + ": "
                        + client.stderr().strip());
            }
            return new Result(bitsPerSecond);
        } finally {
            stop(server);
        }
    }

    /** {@code end.sum_received.bits_per_second} of iperf3's JSON report; its {@code error} if it has one. */
    static double receivedBitsPerSecond(String iperfJson) throws IOException {
        JsonNode report;
        try {
            report = AtollJson.json().readTree(iperfJson);
        } catch (IOException e) {
            throw new IOException("iperf3 did not print a JSON report: " + abbreviate(iperfJson), e);
        }
        if (report == null || report.isMissingNode()) {
            throw new IOException("iperf3 printed no report");
        }
        if (report.hasNonNull("error")) {
            throw new IOException("iperf3 failed: " + report.get("error").asText());
        }
        JsonNode bits = report.path("end").path("sum_received").path("bits_per_second");
        if (!bits.isNumber()) {
            throw new IOException("iperf3's report has no end.sum_received.bits_per_second");
        }
        return bits.asDouble();
    }

    private static void awaitListening(Process server) throws IOException {
        CountDownLatch listening = new CountDownLatch(1);
        StringBuilder output = new StringBuilder();
        Thread.ofVirtual().start(() -> {
            try (var reader =
                    new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (output) {
                        if (output.length() < 4096) {
                            output.append(line).append('\n');
                        }
                    }
                    if (line.contains("Server listening")) {
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                // The server was stopped; whatever it printed is in output.
            }
        });
        try {
            if (!listening.await(SERVER_START.toMillis(), TimeUnit.MILLISECONDS)) {
                synchronized (output) {
                    throw new IOException("iperf3 server did not start listening within " + SERVER_START.toSeconds()
                            + " s: " + abbreviate(output.toString()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the iperf3 server", e);
        }
    }

    private static void stop(Process server) {
        try {
            // -1: the server exits by itself after its one client.
            if (!server.waitFor(SERVER_EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
                server.descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly();
                server.waitFor(SERVER_EXIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String abbreviate(String text) {
        String s = text.strip();
        return s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }
}
