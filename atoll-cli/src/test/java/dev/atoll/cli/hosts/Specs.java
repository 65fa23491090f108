package dev.atoll.cli.hosts;

/** Environments the host tests deploy: real HTTP servers, small enough for two cores. */
final class Specs {
    private Specs() {}

    /** {@code replicas} python HTTP servers, allowed only in the given jurisdictions (none: anywhere). */
    static String web(String name, int replicas, String... jurisdictions) {
        String placement = jurisdictions.length == 0
                ? ""
                : "      placement:\n        jurisdictions: [" + String.join(", ", jurisdictions) + "]\n";
        return """
                apiVersion: atoll/v1
                kind: Environment
                metadata:
                  name: %s
                spec:
                  services:
                    web:
                      command: [python3, -m, http.server, "${ATOLL_PORT_HTTP}", --bind, 127.0.0.1]
                      ports: [http]
                      resources: {cpu: 100m, memory: 64Mi}
                      health:
                        http: {path: /, port: http}
                        interval: 500ms
                      replicas: %d
                      restart: always
                """.formatted(name, replicas) + placement;
    }
}
