package dev.atoll.cli.bench;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.cli.dev.DevProcesses;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.topology.Topologies;
import dev.atoll.model.topology.Topology;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The distributed path measured on one machine: `atoll dev --processes` (3 sites, 2 nodes each,
 * every controller and agent its own OS process on loopback) under concurrent deploys sent to all
 * sites at once, a node crash (its agent killed with every instance) and a site crash (its
 * controller and agents killed), which the others learn of by heartbeats and by gossip.
 */
final class ProcessesBenchmark {
    record Figures(
            int placed,
            int demanded,
            double placementsPerSecond,
            long offersAccepted,
            long offersRejected,
            Duration nodeFailure,
            Duration siteFailure) {}

    private ProcessesBenchmark() {}

    private static String sleepers(String name, int replicas, String sites) {
        return """
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: %s}
                spec:
                  services:
                    job:
                      command: [sleep, "600"]
                      resources: {cpu: 100m, memory: 16Mi}
                      replicas: %d
                %s""".formatted(name, replicas, sites.isEmpty() ? "" : "      placement: {sites: [" + sites + "]}\n");
    }

    static Figures run(int environments, int replicas, int wireBase, int apiPort, PrintWriter out) throws Exception {
        Topology topology = Topologies.generated(3, 2);
        List<String> sites = topology.sites().stream().map(s -> s.site().name()).toList();
        Path dir = Files.createTempDirectory("atoll-bench-processes");
        try (DevProcesses cloud = DevProcesses.start(
                topology, dir, "127.0.0.1", apiPort, wireBase, false, new PrintWriter(new StringWriter()))) {
            List<ApiClient> apis = cloud.apis().stream()
                    .map(u -> new ApiClient(u, null, cloud.adminToken()))
                    .toList();
            ApiClient first = apis.getFirst();
            Poll.until(() -> first.nodes(Optional.empty()).stream()
                            .filter(n -> n.state().equals("ready"))
                            .count()
                    == 6);
            out.println("3 sites x 2 nodes running as processes; sending " + environments + " environments of "
                    + replicas + " replicas to all sites at once");

            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
                List<Future<?>> sent = new ArrayList<>();
                for (int e = 0; e < environments; e++) {
                    ApiClient api = apis.get(e % apis.size());
                    String name = "race-" + e;
                    sent.add(pool.submit(() -> api.create(sleepers(name, replicas, ""), "application/yaml")));
                }
                for (Future<?> f : sent) f.get();
            }
            int demanded = environments * replicas;
            Poll.until(() -> {
                var all = first.instances(Optional.empty(), Optional.empty());
                return all.size() == demanded
                        && all.stream()
                                .allMatch(i ->
                                        i.state() == InstanceState.RUNNING || i.state() == InstanceState.UNPLACEABLE);
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            int placed = (int) first.instances(Optional.empty(), Optional.empty()).stream()
                    .filter(i -> i.state() == InstanceState.RUNNING)
                    .count();
            long accepted = 0;
            long rejected = 0;
            for (URI api : cloud.apis()) {
                String metrics = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(api.resolve("/metrics")).build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                accepted += counter(metrics, "accepted");
                rejected += counter(metrics, "rejected");
            }
            out.printf(
                    "concurrent deploys: %d of %d replicas placed and running in %.2f s = %.1f placements/s;"
                            + " offers accepted %d, rejected %d%n",
                    placed, demanded, seconds, placed / seconds, accepted, rejected);

            // A node crash: the busiest node of the second site.
            String site = sites.get(1);
            first.create(sleepers("crash", 4, sites.get(1) + ", " + sites.get(2)), "application/yaml");
            Poll.until(() -> running(first, "crash") == 4);
            InstanceView victim = first.instances(Optional.of("crash"), Optional.empty()).stream()
                    .filter(i -> i.site().equals(site))
                    .findFirst()
                    .orElseThrow();
            long crash = System.nanoTime();
            cloud.kill(site + "/" + victim.node());
            Poll.until(() -> first.instances(Optional.of("crash"), Optional.empty()).stream()
                    .filter(i -> i.id().equals(victim.id()))
                    .anyMatch(i -> i.state() == InstanceState.RUNNING
                            && !(i.site().equals(site) && i.node().equals(victim.node()))));
            Duration nodeFailure = Duration.ofNanos(System.nanoTime() - crash);
            out.printf(
                    "node failure: %s/%s killed; its replica running elsewhere after %d ms%n",
                    site, victim.node(), nodeFailure.toMillis());

            // A site crash: the third site, with everything on it.
            String lost = sites.get(2);
            List<String> onLost = first.instances(Optional.of("crash"), Optional.empty()).stream()
                    .filter(i -> i.site().equals(lost))
                    .map(InstanceView::id)
                    .toList();
            long siteCrash = System.nanoTime();
            cloud.kill(lost);
            topology.sites().get(2).nodes().forEach(n -> cloud.kill(lost + "/" + n.name()));
            Poll.until(() -> running(first, "crash") == 4
                    && first.instances(Optional.of("crash"), Optional.empty()).stream()
                            .noneMatch(i -> i.site().equals(lost)));
            Duration siteFailure = Duration.ofNanos(System.nanoTime() - siteCrash);
            out.printf(
                    "site failure: %s killed with %d replicas; all running elsewhere after %d ms%n",
                    lost, onLost.size(), siteFailure.toMillis());
            return new Figures(placed, demanded, placed / seconds, accepted, rejected, nodeFailure, siteFailure);
        }
    }

    private static long running(ApiClient api, String environment) {
        return api.instances(Optional.of(environment), Optional.empty()).stream()
                .filter(i -> i.state() == InstanceState.RUNNING)
                .count();
    }

    private static long counter(String metrics, String outcome) {
        Matcher m = Pattern.compile("atoll_offers_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*} ([0-9.E+]+)")
                .matcher(metrics);
        // One series per reason (and per site): the outcome is their sum.
        long sum = 0;
        while (m.find()) sum += (long) Double.parseDouble(m.group(1));
        return sum;
    }
}
