package dev.atoll.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.model.instance.InstanceState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole host process is killed with SIGKILL, as a user would kill `atoll dev`. */
class AgentHostRestartTest {
    @TempDir
    Path workDir;

    private Process host;
    private NodeAgent agent;

    @AfterEach
    void cleanUp() {
        if (host != null) host.destroyForcibly();
        if (agent != null) {
            agent.stopAll();
            agent.close();
        }
    }

    @Test
    void instancesOfAKilledHostAreReadoptedByTheNextAgentWithoutRestarting() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        host = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        AgentHost.class.getName(),
                        workDir.toString(),
                        "2")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Map<Integer, Long> pids = readRunningPids(host, 2);

        host.destroyForcibly();
        assertThat(host.waitFor(10, TimeUnit.SECONDS)).isTrue();
        pids.values().forEach(pid -> assertThat(ProcessHandle.of(pid))
                .as("pid %d outlives its host", pid)
                .isPresent());

        var reports = new ReportLog();
        agent = NodeAgent.withProcessDriver(AgentHost.NODE, workDir);
        agent.onReport(reports);
        var assignments = AgentHost.sleepers(2);
        agent.assign(assignments);

        for (var a : assignments) {
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> reports.has(a.id(), ReportLog.in(InstanceState.RUNNING)));
            var adopted =
                    reports.first(a.id(), ReportLog.in(InstanceState.RUNNING)).orElseThrow();
            assertThat(adopted.pid()).contains(pids.get(a.id().index()));
            assertThat(adopted.restarts()).isZero();
        }

        // The adopted process is not our child: its death is still noticed and it is restarted.
        long pid = pids.get(0);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        var id = assignments.get(0).id();
        await().atMost(Duration.ofSeconds(15)).until(() -> reports.has(id, ReportLog.runningOtherThan(pid)));
        var restarted = reports.first(id, r -> r.pid().isPresent() && r.pid().get() != pid)
                .orElseThrow();
        assertThat(restarted.message()).isEqualTo("restarted after it exited (exit code unknown: process was adopted)");
        assertThat(restarted.restarts()).isEqualTo(1);
    }

    private static Map<Integer, Long> readRunningPids(Process host, int n) throws IOException {
        var pids = new HashMap<Integer, Long>();
        var out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
        while (pids.size() < n) {
            String line = out.readLine();
            assertThat(line).as("the host printed its instances before exiting").isNotNull();
            String[] parts = line.split(" ");
            if (parts.length == 3 && parts[0].equals("running"))
                pids.put(Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
        }
        return pids;
    }
}
