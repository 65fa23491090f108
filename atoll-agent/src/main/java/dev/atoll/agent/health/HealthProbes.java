package dev.atoll.agent.health;

import dev.atoll.agent.driver.CommandLine;
import dev.atoll.agent.driver.LaunchException;
import dev.atoll.model.spec.HealthCheck;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs one probe of a {@link HealthCheck} against an instance on this node and says whether it
 * passed. Blocking (at most the check's timeout, plus a little); the agent calls it from a virtual
 * thread. Everything is probed on 127.0.0.1, where the agent allocated the instance's ports.
 */
public final class HealthProbes implements AutoCloseable {
    private final ExecutorService httpThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(httpThreads)
            .build();

    /**
     * @param ports the instance's named host ports
     * @param environment the instance's environment (a command probe runs with it, in {@code directory})
     */
    public ProbeResult probe(
            HealthCheck check, Map<String, Integer> ports, Map<String, String> environment, Path directory) {
        return switch (check.probe()) {
            case HealthCheck.Http h -> withPort(h.port(), ports, port -> http(port, h.path(), check.timeout()));
            case HealthCheck.Tcp t -> withPort(t.port(), ports, port -> tcp(port, check.timeout()));
            case HealthCheck.Command c -> command(c, environment, directory, check.timeout());
        };
    }

    private interface PortProbe {
        ProbeResult probe(int port);
    }

    private static ProbeResult withPort(String name, Map<String, Integer> ports, PortProbe probe) {
        Integer port = ports.get(name);
        if (port == null) return ProbeResult.unhealthy("health check names port " + name + ", which is not declared");
        return probe.probe(port);
    }

    private ProbeResult http(int port, String path, Duration timeout) {
        String p = path == null || path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
        URI uri = URI.create("http://127.0.0.1:" + port + p);
        var request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            int status =
                    http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 400
                    ? ProbeResult.healthy("HTTP " + status)
                    : ProbeResult.unhealthy("GET " + p + " answered HTTP " + status);
        } catch (HttpConnectTimeoutException e) {
            return ProbeResult.unhealthy("connect timed out after " + timeout.toMillis() + " ms");
        } catch (HttpTimeoutException e) {
            return ProbeResult.unhealthy("no answer within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return ProbeResult.unhealthy("connection refused");
        } catch (IOException e) {
            return ProbeResult.unhealthy(describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.unhealthy("interrupted");
        }
    }

    private static ProbeResult tcp(int port, Duration timeout) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int)
                    Math.max(1, timeout.toMillis()));
            return ProbeResult.healthy("connected");
        } catch (java.net.SocketTimeoutException e) {
            return ProbeResult.unhealthy("connect timed out after " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return ProbeResult.unhealthy("connection refused");
        } catch (IOException e) {
            return ProbeResult.unhealthy(describe(e));
        }
    }

    private static ProbeResult command(
            HealthCheck.Command check, Map<String, String> environment, Path directory, Duration timeout) {
        Process process;
        try {
            var argv = CommandLine.prepare(check.command(), environment);
            var builder = new ProcessBuilder(argv)
                    .directory(directory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().clear();
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (LaunchException e) {
            return ProbeResult.unhealthy("health command: " + e.getMessage());
        } catch (IOException e) {
            return ProbeResult.unhealthy("health command cannot start: " + e.getMessage());
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return ProbeResult.unhealthy("health command did not finish within " + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return ProbeResult.unhealthy("interrupted");
        }
        int code = process.exitValue();
        return code == 0
                ? ProbeResult.healthy("health command exited with code 0")
                : ProbeResult.unhealthy("health command exited with code " + code);
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    @Override
    public void close() {
        http.shutdownNow();
        httpThreads.shutdownNow();
    }
}
