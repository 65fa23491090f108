package dev.atoll.cli.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.view.EnvironmentView.ServiceStatus;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Small builders of the JSON the REST contract promises, for the fake API to answer. */
public final class Contract {
    public static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    private static final long GI = 1L << 30;

    private Contract() {}

    public static SiteView site(String name, String country, String jurisdiction) {
        return new SiteView(
                name,
                country,
                jurisdiction,
                51.5,
                -0.12,
                Set.of("edge"),
                "healthy",
                name + "-c0",
                List.of(name + "-c0"),
                3,
                2,
                new Resources(12_000, 48 * GI),
                new Resources(1_500, 3 * GI / 2));
    }

    public static NodeView node(String site, String name) {
        return new NodeView(
                site,
                name,
                "ready",
                new Resources(4_000, 16 * GI),
                new Resources(500, GI / 2),
                100,
                2,
                Set.of("process"),
                Set.of("ssd"));
    }

    public static ServiceStatus service(String name, int desired, int running, int updated) {
        return new ServiceStatus(name, desired, running, updated, null);
    }

    public static InstanceView instance(String id, String site, InstanceState state) {
        return instance(id, site, state, null);
    }

    public static InstanceView instance(String id, String site, InstanceState state, String message) {
        String[] parts = id.split("\\.");
        boolean started = state == InstanceState.RUNNING || state == InstanceState.STARTING;
        return new InstanceView(
                id,
                "default",
                parts[0],
                parts[1],
                site,
                site + "-1",
                state,
                1,
                started ? Map.of("http", 41000 + Integer.parseInt(parts[2])) : Map.of(),
                started ? Optional.of(4000L + Integer.parseInt(parts[2])) : Optional.empty(),
                started ? Optional.of(T0) : Optional.empty(),
                0,
                message);
    }

    /** An environment as GET /v1/environments/{name} returns it, the spec in the user's format. */
    public static ObjectNode environment(String name, String status, ServiceStatus... services) {
        var env = AtollJson.json().createObjectNode();
        env.put("name", name).put("tenant", "default").put("homeSite", "london").put("version", 1);
        env.put("status", status).put("createdAt", T0.toString()).put("updatedAt", T0.toString());
        var list = env.putArray("services");
        var spec = env.putObject("spec");
        spec.put("apiVersion", "atoll/v1").put("kind", "Environment");
        spec.putObject("metadata").put("name", name).put("tenant", "default");
        var specServices = spec.putObject("spec").putObject("services");
        for (ServiceStatus s : services) {
            list.add(AtollJson.json().valueToTree(s));
            var service = specServices.putObject(s.name());
            service.put("driver", "process");
            service.putArray("command").add("python3").add("-m").add("http.server");
            service.putObject("resources").put("cpu", "100m").put("memory", "64Mi");
            service.putArray("ports").add("http");
            service.put("replicas", s.desired());
            var placement = service.putObject("placement");
            placement.putArray("jurisdictions").add("EU").add("UK");
            placement.putObject("spread").put("across", "site").put("minDomains", 3);
        }
        return env;
    }

    /** A DeployResponse: {"outcome", "changedServices", "environment"}. */
    public static ObjectNode deployResponse(String outcome, ObjectNode environment, String... changed) {
        var reply = AtollJson.json().createObjectNode();
        reply.put("outcome", outcome);
        var list = reply.putArray("changedServices");
        for (String c : changed) list.add(c);
        reply.set("environment", environment);
        return reply;
    }

    public static String hello(int replicas) {
        return """
                apiVersion: atoll/v1
                kind: Environment
                metadata:
                  name: hello
                spec:
                  services:
                    web:
                      command: [python3, -m, http.server]
                      ports: [http]
                      replicas: %d
                """.formatted(replicas);
    }
}
