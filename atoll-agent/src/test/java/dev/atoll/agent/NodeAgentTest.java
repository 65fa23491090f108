package dev.atoll.agent;

import static dev.atoll.agent.ReportLog.in;
import static dev.atoll.agent.ReportLog.runningOtherThan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.atoll.agent.driver.Driver;
import dev.atoll.agent.driver.LaunchException;
import dev.atoll.agent.driver.LaunchSpec;
import dev.atoll.agent.driver.ProcessDriver;
import dev.atoll.agent.driver.Workload;
import dev.atoll.agent.driver.WorkloadRef;
import dev.atoll.agent.restart.RestartRules;
import dev.atoll.model.Resources;
import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.HealthCheck;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.RestartPolicy;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeAgentTest {
    private static final Duration PATIENCE = Duration.ofSeconds(15);
    private static final NodeInfo NODE =
            new NodeInfo("london", "n1", new Resources(4000, 8L << 30), 100, Set.of("process"), Set.of());
    private static final AgentSettings SETTINGS = AgentSettings.DEFAULTS.withStopGrace(Duration.ofSeconds(2));

    @TempDir
    Path workDir;

    private final List<NodeAgent> open = new ArrayList<>();
    private final List<Long> stoppedPids = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        stoppedPids.forEach(pid -> signal("CONT", pid));
        for (var agent : open) {
            agent.stopAll();
            agent.close();
        }
    }

    // ---- fixtures ---------------------------------------------------------------------------

    private NodeAgent anAgent(ReportLog reports) {
        return anAgent(reports, SETTINGS);
    }

    private NodeAgent anAgent(ReportLog reports, AgentSettings settings) {
        var agent = new NodeAgent(
                NODE, workDir, Map.of(DriverKind.PROCESS, new ProcessDriver()), Clock.systemUTC(), settings);
        agent.onReport(reports);
        open.add(agent);
        return agent;
    }

    private void closeAgent(NodeAgent agent) {
        agent.close();
        open.remove(agent);
    }

    private static InstanceId anInstance(String service, int index) {
        return new InstanceId("default", "shop", service, index);
    }

    private static ServiceSpec aService(List<String> command) {
        return new ServiceSpec(
                "web",
                DriverKind.PROCESS,
                command,
                Map.of(),
                new Resources(100, 64L << 20),
                List.of(),
                Optional.empty(),
                1,
                RestartPolicy.ALWAYS,
                PlacementIntent.NONE);
    }

    private static ServiceSpec with(ServiceSpec s, RestartPolicy restart) {
        return new ServiceSpec(
                s.name(),
                s.driver(),
                s.command(),
                s.env(),
                s.resources(),
                s.ports(),
                s.health(),
                1,
                restart,
                s.placement());
    }

    private static ServiceSpec withPorts(ServiceSpec s, List<String> ports, Optional<HealthCheck> health) {
        return new ServiceSpec(
                s.name(),
                s.driver(),
                s.command(),
                s.env(),
                s.resources(),
                ports,
                health,
                1,
                s.restart(),
                s.placement());
    }

    private static final ServiceSpec SLEEPER = aService(List.of("sleep", "600"));

    private static InstanceAssignment assignment(InstanceId id, long generation, ServiceSpec service) {
        return new InstanceAssignment(id, generation, service);
    }

    private static InstanceReport awaitReport(
            ReportLog reports, InstanceId id, java.util.function.Predicate<InstanceReport> matching) {
        await().atMost(PATIENCE).until(() -> reports.has(id, matching));
        return reports.first(id, matching).orElseThrow();
    }

    private static long awaitRunning(ReportLog reports, InstanceId id) {
        return awaitReport(
                        reports,
                        id,
                        r -> r.state() == InstanceState.RUNNING && r.pid().isPresent())
                .pid()
                .orElseThrow();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void killFromOutside(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static void signal(String signal, long pid) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String logOf(NodeAgent agent, InstanceId id) throws IOException {
        try (var in = agent.openLog(id, 0)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    // ---- starting --------------------------------------------------------------------------

    /** The process driver, made to take {@code delay} to start, as a container or a VM may. */
    private static Driver slowToStart(Duration delay) {
        var real = new ProcessDriver();
        return new Driver() {
            @Override
            public Workload start(LaunchSpec spec) throws LaunchException {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return real.start(spec);
            }

            @Override
            public Optional<Workload> adopt(WorkloadRef ref) {
                return real.adopt(ref);
            }

            @Override
            public void stop(WorkloadRef ref, Duration grace) {
                real.stop(ref, grace);
            }
        };
    }

    @Test
    void whileADriverTakesSecondsToStartAnInstanceTheNodeKeepsHeartbeating() {
        var reports = new ReportLog();
        var agent = new NodeAgent(
                NODE,
                workDir,
                Map.of(DriverKind.PROCESS, slowToStart(Duration.ofSeconds(2))),
                Clock.systemUTC(),
                SETTINGS);
        open.add(agent);
        agent.onReport(reports);
        var beats = new java.util.concurrent.CopyOnWriteArrayList<Long>();
        agent.onHeartbeat(() -> beats.add(System.nanoTime()));
        var id = anInstance("web", 0);

        long assigned = System.nanoTime();
        agent.assign(List.of(assignment(id, 1, SLEEPER)));
        await().atMost(PATIENCE).until(() -> reports.has(id, in(InstanceState.RUNNING)));
        long running = System.nanoTime();

        // Heartbeats are every 500 ms; a site declares a node down after 1.5 s without one.
        var times = new ArrayList<Long>(List.of(assigned));
        beats.stream().filter(t -> t > assigned && t < running).forEach(times::add);
        times.add(running);
        long longestGapMs = 0;
        for (int i = 1; i < times.size(); i++) {
            longestGapMs = Math.max(longestGapMs, (times.get(i) - times.get(i - 1)) / 1_000_000);
        }
        assertThat(running - assigned).isGreaterThan(Duration.ofSeconds(2).toNanos());
        assertThat(longestGapMs).isLessThan(1200);
    }

    @Test
    void anInstanceNoLongerWantedWhileItStartsIsStoppedOnceStarted() {
        var reports = new ReportLog();
        var agent = new NodeAgent(
                NODE,
                workDir,
                Map.of(DriverKind.PROCESS, slowToStart(Duration.ofSeconds(1))),
                Clock.systemUTC(),
                SETTINGS);
        open.add(agent);
        agent.onReport(reports);
        var id = anInstance("web", 0);

        agent.assign(List.of(assignment(id, 1, SLEEPER)));
        agent.assign(List.of());

        await().atMost(PATIENCE).until(() -> reports.has(id, in(InstanceState.STOPPED)));
        await().atMost(PATIENCE).until(() -> agent.reports().isEmpty());
        assertThat(reports.has(id, r -> r.pid().isPresent() && alive(r.pid().get())))
                .isFalse();
    }

    @Test
    void startsTheProcessWithItsPortAndAtollVariablesAndCapturesItsOutput() throws IOException {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);
        var service = withPorts(
                aService(
                        List.of(
                                "sh",
                                "-c",
                                "echo port=${ATOLL_PORT_HTTP} id=$ATOLL_INSTANCE site=$ATOLL_SITE gen=$ATOLL_GENERATION; echo oops >&2; exec sleep 600")),
                List.of("http"),
                Optional.empty());

        agent.assign(List.of(assignment(id, 7, service)));

        long pid = awaitRunning(reports, id);
        int port = reports.last(id).orElseThrow().ports().get("http");
        assertThat(port).isPositive();
        assertThat(alive(pid)).isTrue();
        await().atMost(PATIENCE).until(() -> logOf(agent, id).contains("oops"));
        assertThat(logOf(agent, id)).isEqualTo("port=" + port + " id=shop.web.0 site=london gen=7\noops\n");
        try (var tail = agent.openLog(id, "port=".length())) {
            assertThat(new String(tail.readAllBytes(), StandardCharsets.UTF_8)).startsWith(port + " id=");
        }
    }

    @Test
    void reportsStartingBeforeRunning() {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);

        agent.assign(List.of(assignment(id, 1, SLEEPER)));

        awaitRunning(reports, id);
        assertThat(reports.of(id))
                .extracting(InstanceReport::state)
                .containsExactly(InstanceState.STARTING, InstanceState.RUNNING);
        assertThat(reports.last(id).orElseThrow().startedAt()).isPresent();
    }

    @Test
    void aMistypedCommandFailsWithTheReason() {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);

        agent.assign(List.of(assignment(id, 1, aService(List.of("pyhton3", "-m", "http.server")))));

        var failed = awaitReport(reports, id, in(InstanceState.FAILED));
        assertThat(failed.message()).isEqualTo("command not found: pyhton3");
        assertThat(failed.pid()).isEmpty();
    }

    @Test
    void theLogOfAnUnknownInstanceIsNoSuchFile() {
        var agent = anAgent(new ReportLog());
        assertThatThrownBy(() -> agent.openLog(anInstance("nope", 0), 0)).isInstanceOf(NoSuchFileException.class);
    }

    // ---- restarting ------------------------------------------------------------------------

    @Test
    void aProcessKilledFromOutsideIsRestartedWithTheSamePorts() {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);
        agent.assign(List.of(assignment(id, 1, withPorts(SLEEPER, List.of("http"), Optional.empty()))));
        long pid = awaitRunning(reports, id);
        var before = reports.last(id).orElseThrow();

        killFromOutside(pid);

        var again = awaitReport(reports, id, runningOtherThan(pid));
        assertThat(again.restarts()).isEqualTo(1);
        assertThat(again.ports()).isEqualTo(before.ports());
        assertThat(reports.of(id)).anySatisfy(r -> assertThat(r.message())
                .isEqualTo("exited with code 137 (killed by signal 9); restarting in 100 ms"));
    }

    // ---- what the operator sees --------------------------------------------------------------

    @Test
    void aRestartIsCountedAndInstancesAreCountedByStateAndDriver() {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);
        agent.assign(List.of(assignment(id, 1, SLEEPER)));
        long pid = awaitRunning(reports, id);
        assertThat(agent.restarts()).isZero();
        assertThat(agent.instanceCounts()).containsExactly(new NodeAgent.InstanceCount("running", "process", 1));

        killFromOutside(pid);

        awaitReport(reports, id, runningOtherThan(pid));
        assertThat(agent.restarts()).isEqualTo(1);
    }

    @Test
    void theStartOfAnAssignmentThatCarriesATraceIsASpanUnderItEndedOnceRunning() {
        var reports = new ReportLog();
        var spans = new RecordingTracing();
        var agent = anAgent(reports).withTracing(spans);
        var id = anInstance("web", 0);
        String offer = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        agent.assign(List.of(new InstanceAssignment(id, 1, SLEEPER, List.of(), offer)));
        awaitRunning(reports, id);
        agent.assign(List.of(new InstanceAssignment(id, 1, SLEEPER, List.of(), offer)));

        await().atMost(PATIENCE).until(() -> spans.ended().size() == 1);
        var span = spans.ended().getFirst();
        assertThat(span.name()).isEqualTo("atoll.instance.start");
        assertThat(span.parent().traceparent()).isEqualTo(offer);
        assertThat(span.attributes())
                .containsEntry("atoll.node", "london/n1")
                .containsEntry("atoll.driver", "process")
                .containsEntry("atoll.instance", id.display());
        assertThat(span.failure()).isNull();
        assertThat(spans.started())
                .as("the same assignment again starts no second span")
                .isEqualTo(1);
    }

    /** A {@link dev.atoll.model.trace.Tracing} that records the spans it was asked for. */
    static final class RecordingTracing implements dev.atoll.model.trace.Tracing {
        record Recorded(
                String name,
                dev.atoll.model.trace.TraceContext parent,
                Map<String, String> attributes,
                String failure) {}

        private final List<Recorded> ended = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicInteger started =
                new java.util.concurrent.atomic.AtomicInteger();

        List<Recorded> ended() {
            return List.copyOf(ended);
        }

        int started() {
            return started.get();
        }

        @Override
        public Span start(String name, dev.atoll.model.trace.TraceContext parent, Map<String, String> attributes) {
            started.incrementAndGet();
            var context = new dev.atoll.model.trace.TraceContext(parent.traceId(), "1111111111111111", true);
            return new Span() {
                @Override
                public dev.atoll.model.trace.TraceContext context() {
                    return context;
                }

                @Override
                public void fail(String why) {
                    ended.add(new Recorded(name, parent, attributes, why));
                }

                @Override
                public void end() {
                    ended.add(new Recorded(name, parent, attributes, null));
                }
            };
        }

        @Override
        public dev.atoll.model.trace.TraceContext current() {
            return null;
        }

        @Override
        public Scope enter(dev.atoll.model.trace.TraceContext context) {
            return () -> {};
        }
    }

    @Test
    void onFailureDoesNotRestartAfterACleanExit() {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);

        agent.assign(
                List.of(assignment(id, 1, with(aService(List.of("sh", "-c", "exit 0")), RestartPolicy.ON_FAILURE))));

        var stopped = awaitReport(reports, id, in(InstanceState.STOPPED));
        assertThat(stopped.message()).isEqualTo("exited with code 0; restart policy on-failure does not restart it");
        // no second process, and the report stays the last
        await().during(Duration.ofMillis(600))
                .atMost(PATIENCE)
                .until(() -> reports.last(id).orElseThrow().equals(stopped));
        assertThat(reports.of(id).stream().flatMap(r -> r.pid().stream()).distinct())
                .hasSize(1);
        assertThat(stopped.restarts()).isZero();
    }

    @Test
    void onFailureRestartsAfterAFailedExit() {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);

        agent.assign(
                List.of(assignment(id, 1, with(aService(List.of("sh", "-c", "exit 2")), RestartPolicy.ON_FAILURE))));

        awaitReport(reports, id, r -> r.restarts() >= 1 && r.pid().isPresent());
    }

    @Test
    void neverLeavesAnExitedProcessFailed() throws IOException {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);

        agent.assign(List.of(
                assignment(id, 1, with(aService(List.of("sh", "-c", "echo hi; exit 3")), RestartPolicy.NEVER))));

        var failed = awaitReport(reports, id, in(InstanceState.FAILED));
        assertThat(failed.message()).isEqualTo("exited with code 3; restart policy never does not restart it");
        assertThat(failed.restarts()).isZero();
        assertThat(logOf(agent, id)).isEqualTo("hi\n");
    }

    @Test
    void aCrashLoopIsReportedAsCrashLoopingWithAGrowingBackOff() {
        var reports = new ReportLog();
        var fastRules = new RestartRules(
                Duration.ofMillis(20), 2.0, Duration.ofSeconds(5), Duration.ofSeconds(10), 3, Duration.ofSeconds(30));
        // runningAfter is long so that even on a loaded machine `exit 1` never counts as up
        var agent = anAgent(
                reports,
                new AgentSettings(fastRules, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMillis(250)));
        var id = anInstance("web", 0);

        agent.assign(List.of(assignment(id, 1, aService(List.of("sh", "-c", "exit 1")))));

        awaitReport(reports, id, r -> r.state() == InstanceState.CRASH_LOOPING && r.restarts() >= 4);
        var delays = new ArrayList<Integer>();
        var pattern = Pattern.compile("restarting in (\\d+) ms");
        for (var r : reports.of(id)) {
            var m = pattern.matcher(r.message());
            if (m.find() && r.pid().isEmpty()) delays.add(Integer.parseInt(m.group(1)));
        }
        assertThat(delays.subList(0, 4)).containsExactly(20, 40, 80, 160);
        assertThat(reports.of(id)).noneMatch(r -> r.state() == InstanceState.RUNNING);
        assertThat(reports.first(id, in(InstanceState.CRASH_LOOPING))
                        .orElseThrow()
                        .message())
                .isEqualTo("exited with code 1 (3 exits within 30 s); restarting in 80 ms");
    }

    // ---- health ----------------------------------------------------------------------------

    @Test
    void anHttpHealthCheckMovesItFromStartingToRunningAndToUnhealthyWhenTheServerHangs() throws IOException {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);
        Path site = Files.createDirectories(workDir.resolve("www"));
        Files.writeString(site.resolve("index.html"), "hello");
        String jwebserver =
                Path.of(System.getProperty("java.home"), "bin", "jwebserver").toString();
        var health =
                new HealthCheck(new HealthCheck.Http("/", "http"), Duration.ofMillis(200), Duration.ofMillis(500), 2);
        var server = withPorts(
                aService(List.of(jwebserver, "-b", "127.0.0.1", "-p", "${ATOLL_PORT_HTTP}", "-d", site.toString())),
                List.of("http"),
                Optional.of(health));

        agent.assign(List.of(assignment(id, 1, server)));

        long pid = awaitRunning(reports, id);
        assertThat(reports.of(id).get(0).state()).isEqualTo(InstanceState.STARTING);

        stoppedPids.add(pid);
        signal("STOP", pid);
        var unhealthy = awaitReport(reports, id, in(InstanceState.UNHEALTHY));
        assertThat(unhealthy.message()).startsWith("health check failed 2 times: no answer within 500 ms");
        assertThat(unhealthy.pid()).contains(pid);

        signal("CONT", pid);
        await().atMost(PATIENCE).until(() -> reports.last(id).orElseThrow().state() == InstanceState.RUNNING);
        assertThat(reports.last(id).orElseThrow().pid()).contains(pid);
    }

    @Test
    void aFailingHealthCheckKeepsItStartingAndSaysWhy() {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);
        var health = new HealthCheck(new HealthCheck.Tcp("http"), Duration.ofMillis(100), Duration.ofMillis(200), 2);

        agent.assign(List.of(assignment(id, 1, withPorts(SLEEPER, List.of("http"), Optional.of(health)))));

        var starting = awaitReport(reports, id, r -> r.message().startsWith("health check failed"));
        assertThat(starting.state()).isEqualTo(InstanceState.STARTING);
        assertThat(starting.message()).isEqualTo("health check failed 2 times: connection refused");
    }

    @Test
    void aCommandHealthCheckThatPassesMakesItRunning() {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);
        var health = new HealthCheck(
                new HealthCheck.Command(List.of("sh", "-c", "test -n \"${ATOLL_INSTANCE}\"")),
                Duration.ofMillis(100),
                Duration.ofSeconds(2),
                2);

        agent.assign(List.of(assignment(id, 1, withPorts(SLEEPER, List.of(), Optional.of(health)))));

        awaitRunning(reports, id);
    }

    // ---- reconciling -----------------------------------------------------------------------

    @Test
    void aGreaterGenerationReplacesTheProcess() {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);
        var service = withPorts(SLEEPER, List.of("http"), Optional.empty());
        agent.assign(List.of(assignment(id, 1, service)));
        long oldPid = awaitRunning(reports, id);
        int port = reports.last(id).orElseThrow().ports().get("http");

        agent.assign(List.of(assignment(id, 2, service)));

        var replaced = awaitReport(reports, id, r -> r.generation() == 2 && r.state() == InstanceState.RUNNING);
        assertThat(replaced.pid()).isPresent().isNotEqualTo(Optional.of(oldPid));
        assertThat(replaced.restarts()).isZero();
        assertThat(replaced.ports()).containsEntry("http", port);
        assertThat(alive(oldPid)).isFalse();
        assertThat(reports.of(id)).anyMatch(r -> r.state() == InstanceState.STOPPING && r.generation() == 1);
    }

    @Test
    void theSameAssignmentAgainChangesNothing() {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);
        agent.assign(List.of(assignment(id, 1, SLEEPER)));
        long pid = awaitRunning(reports, id);
        int seen = reports.of(id).size();

        agent.assign(List.of(assignment(id, 1, SLEEPER)));
        agent.assign(List.of(assignment(id, 1, SLEEPER)));

        await().during(Duration.ofMillis(500))
                .atMost(PATIENCE)
                .until(() -> reports.of(id).size() == seen);
        assertThat(alive(pid)).isTrue();
    }

    @Test
    void assigningNothingStopsEverything() {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var a = anInstance("web", 0);
        var b = anInstance("web", 1);
        agent.assign(
                List.of(assignment(a, 1, SLEEPER), assignment(b, 1, aService(List.of("sh", "-c", "sleep 600; true")))));
        long pidA = awaitRunning(reports, a);
        long pidB = awaitRunning(reports, b);

        agent.assign(List.of());

        awaitReport(reports, a, in(InstanceState.STOPPED));
        awaitReport(reports, b, in(InstanceState.STOPPED));
        assertThat(alive(pidA)).isFalse();
        assertThat(alive(pidB)).isFalse();
        assertThat(reports.of(a))
                .extracting(InstanceReport::state)
                .containsSubsequence(InstanceState.STOPPING, InstanceState.STOPPED);
        assertThat(agent.reports()).isEmpty();
        assertThat(workDir.resolve("instances/default/shop.web.0")).doesNotExist();
    }

    @Test
    void stoppingAShellStopsWhatItStarted() {
        var reports = new ReportLog();
        var agent = anAgent(reports);
        var id = anInstance("web", 0);
        // Not `exec`: the shell stays the parent of sleep, which must not be left behind.
        agent.assign(List.of(assignment(id, 1, aService(List.of("sh", "-c", "sleep 600; echo done")))));
        long shell = awaitRunning(reports, id);
        await().atMost(PATIENCE).until(() -> ProcessHandle.of(shell)
                .orElseThrow()
                .children()
                .findAny()
                .isPresent());
        long child = ProcessHandle.of(shell)
                .orElseThrow()
                .children()
                .findFirst()
                .orElseThrow()
                .pid();

        agent.assign(List.of());

        awaitReport(reports, id, in(InstanceState.STOPPED));
        await().atMost(PATIENCE).until(() -> !alive(child));
    }

    // ---- surviving an agent restart --------------------------------------------------------

    @Test
    void aNewAgentOnTheSameDirectoryReadoptsRunningInstancesWithoutRestartingThem() {
        var id = anInstance("web", 0);
        var service = withPorts(SLEEPER, List.of("http"), Optional.empty());
        var first = anAgent(new ReportLog());
        var firstReports = new ReportLog();
        first.onReport(firstReports);
        first.assign(List.of(assignment(id, 1, service)));
        long pid = awaitRunning(firstReports, id);
        var ports = firstReports.last(id).orElseThrow().ports();
        closeAgent(first);

        var reports = new ReportLog();
        var second = anAgent(reports);
        second.assign(List.of(assignment(id, 1, service)));

        var adopted = awaitReport(reports, id, in(InstanceState.RUNNING));
        assertThat(adopted.pid()).contains(pid);
        assertThat(adopted.restarts()).isZero();
        assertThat(adopted.ports()).isEqualTo(ports);
        assertThat(adopted.message()).isEqualTo("re-adopted pid " + pid + " after an agent restart");
        assertThat(reports.of(id)).extracting(InstanceReport::state).containsExactly(InstanceState.RUNNING);

        // and it is watched: killing it now gets it restarted by the new agent
        killFromOutside(pid);
        var again = awaitReport(reports, id, runningOtherThan(pid));
        assertThat(again.restarts()).isEqualTo(1);
    }

    @Test
    void aNewAgentRestartsAnAssignedInstanceWhoseProcessDiedMeanwhile() {
        var id = anInstance("web", 0);
        var firstReports = new ReportLog();
        var first = anAgent(firstReports);
        first.assign(List.of(assignment(id, 1, SLEEPER)));
        long pid = awaitRunning(firstReports, id);
        closeAgent(first);
        killFromOutside(pid);
        await().atMost(PATIENCE).until(() -> !alive(pid));

        var reports = new ReportLog();
        var second = anAgent(reports);
        second.assign(List.of(assignment(id, 1, SLEEPER)));

        var restarted = awaitReport(reports, id, runningOtherThan(pid));
        assertThat(restarted.restarts()).isEqualTo(1);
    }

    @Test
    void aNewAgentStopsOrphansItIsNotAssigned() {
        var kept = anInstance("web", 0);
        var orphan = anInstance("web", 1);
        var firstReports = new ReportLog();
        var first = anAgent(firstReports);
        first.assign(List.of(assignment(kept, 1, SLEEPER), assignment(orphan, 1, SLEEPER)));
        long keptPid = awaitRunning(firstReports, kept);
        long orphanPid = awaitRunning(firstReports, orphan);
        closeAgent(first);

        var reports = new ReportLog();
        var second = anAgent(reports);
        second.assign(List.of(assignment(kept, 1, SLEEPER)));

        await().atMost(PATIENCE).until(() -> !alive(orphanPid));
        await().atMost(PATIENCE).until(() -> !Files.exists(workDir.resolve("instances/default/shop.web.1")));
        assertThat(awaitReport(reports, kept, in(InstanceState.RUNNING)).pid()).contains(keptPid);
    }

    @Test
    void aNewAgentReplacesAnAdoptableProcessOfAnotherGeneration() {
        var id = anInstance("web", 0);
        var firstReports = new ReportLog();
        var first = anAgent(firstReports);
        first.assign(List.of(assignment(id, 1, SLEEPER)));
        long oldPid = awaitRunning(firstReports, id);
        closeAgent(first);

        var reports = new ReportLog();
        var second = anAgent(reports);
        second.assign(List.of(assignment(id, 2, SLEEPER)));

        var replaced = awaitReport(reports, id, r -> r.generation() == 2 && r.state() == InstanceState.RUNNING);
        assertThat(replaced.pid()).isPresent().isNotEqualTo(Optional.of(oldPid));
        assertThat(alive(oldPid)).isFalse();
    }

    @Test
    void aFailedInstanceStaysFailedAcrossAnAgentRestart() {
        var id = anInstance("web", 0);
        var service = with(aService(List.of("sh", "-c", "exit 3")), RestartPolicy.NEVER);
        var firstReports = new ReportLog();
        var first = anAgent(firstReports);
        first.assign(List.of(assignment(id, 1, service)));
        awaitReport(firstReports, id, in(InstanceState.FAILED));
        closeAgent(first);

        var reports = new ReportLog();
        var second = anAgent(reports);
        second.assign(List.of(assignment(id, 1, service)));

        var failed = awaitReport(reports, id, in(InstanceState.FAILED));
        assertThat(failed.message()).isEqualTo("exited with code 3; restart policy never does not restart it");
        assertThat(reports.of(id)).hasSize(1);
    }
}
