package dev.atoll.cli.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.view.NodeView;
import dev.atoll.testhosts.RequiresHosts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many deploys racing from every site at once onto more demand than the cloud holds: every home
 * picks targets from gossiped summaries that are stale by the time its offers land, yet no node is
 * ever given more than it has, because only the target's leader reserves, through its own log.
 */
@RequiresHosts
class ConcurrentDeploysOnHostsTest {
    private static final int ENVIRONMENTS_PER_SITE = 12;
    private static final int REPLICAS = 2;
    /** 2 cpu per node and 250m per replica. */
    private static final int FITS_PER_NODE = 8;

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;

    private static String sleeper(String name) {
        return """
                apiVersion: atoll/v1
                kind: Environment
                metadata:
                  name: %s
                spec:
                  services:
                    job:
                      command: [sleep, "3600"]
                      resources: {cpu: 250m, memory: 32Mi}
                      replicas: %d
                """.formatted(name, REPLICAS);
    }

    @Test
    void deploysRacingFromAllSitesNeverOverCommitANode() throws Exception {
        try (CloudOnHosts cloud =
                CloudOnHosts.start("ConcurrentDeploys", dir, CloudOnHosts.EUROPE, 2, "cpu=2,memory=2Gi")) {
            List<String> sites = CloudOnHosts.EUROPE.stream()
                    .map(CloudOnHosts.SiteSpec::name)
                    .toList();
            int nodes = sites.size() * 2;
            int demanded = sites.size() * ENVIRONMENTS_PER_SITE * REPLICAS;
            int room = nodes * FITS_PER_NODE;
            assertThat(demanded).as("the test asks for more than fits").isGreaterThan(room);

            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newFixedThreadPool(sites.size() * 4)) {
                List<Future<?>> sent = new ArrayList<>();
                for (String site : sites) {
                    ApiClient api = cloud.api(site);
                    for (int e = 0; e < ENVIRONMENTS_PER_SITE; e++) {
                        String name = site + "-race-" + e;
                        sent.add(pool.submit(() -> api.create(sleeper(name), "application/yaml")));
                    }
                }
                for (Future<?> f : sent) f.get();
            }
            ApiClient observer = cloud.api("paris");
            await("every replica placed or found unplaceable")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> {
                        var all = observer.instances(Optional.empty(), Optional.empty());
                        return all.size() == demanded
                                && all.stream()
                                        .allMatch(i -> i.state() == InstanceState.RUNNING
                                                || i.state() == InstanceState.UNPLACEABLE);
                    });
            double seconds = (System.nanoTime() - start) / 1e9;
            List<InstanceView> all = observer.instances(Optional.empty(), Optional.empty());
            long running =
                    all.stream().filter(i -> i.state() == InstanceState.RUNNING).count();

            List<NodeView> nodeViews = observer.nodes(Optional.empty());
            assertThat(nodeViews).hasSize(nodes).allMatch(n -> n.capacity().cpuMillis() == 2000);
            for (NodeView node : nodeViews) {
                assertThat(node.allocated().cpuMillis())
                        .as("cpu given out on " + node.site() + "/" + node.name())
                        .isLessThanOrEqualTo(node.capacity().cpuMillis());
            }
            Map<String, Long> processesPerNode = cloud.liveInstanceProcesses("sleep 3600").stream()
                    .collect(Collectors.groupingBy(p -> p.substring(0, p.indexOf('/')), Collectors.counting()));
            assertThat(processesPerNode.values())
                    .as("processes really running per node")
                    .allMatch(n -> n <= FITS_PER_NODE);
            assertThat(running)
                    .isLessThanOrEqualTo(room)
                    .isEqualTo(processesPerNode.values().stream()
                            .mapToLong(Long::longValue)
                            .sum());

            long rejected = 0;
            long accepted = 0;
            for (String site : sites) {
                String metrics = metricsOf(cloud, site);
                accepted += counter(metrics, "accepted");
                rejected += counter(metrics, "rejected");
            }
            System.out.printf(
                    "concurrent deploys on real hosts: %d environments x %d replicas sent to %d sites at once;"
                            + " %d placed (room for %d) in %.1f s = %.1f placements/s; offers accepted %d, rejected %d%n",
                    sites.size() * ENVIRONMENTS_PER_SITE,
                    REPLICAS,
                    sites.size(),
                    running,
                    room,
                    seconds,
                    running / seconds,
                    accepted,
                    rejected);
        }
    }

    private static String metricsOf(CloudOnHosts cloud, String site) throws Exception {
        URI uri = cloud.api(site).server().resolve("/metrics");
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static long counter(String metrics, String outcome) {
        Matcher m = Pattern.compile("atoll_offers_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*} ([0-9.E]+)")
                .matcher(metrics);
        long sum = 0; // one series per reason of a rejection
        while (m.find()) sum += (long) Double.parseDouble(m.group(1));
        return sum;
    }
}
