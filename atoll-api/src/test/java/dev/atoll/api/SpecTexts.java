package dev.atoll.api;

/** Spec bodies as a user would send them. */
final class SpecTexts {
    private SpecTexts() {}

    static String yaml(String name, int replicas) {
        return """
                apiVersion: atoll/v1
                kind: Environment
                metadata:
                  name: %s
                spec:
                  services:
                    web:
                      driver: process
                      command: [python3, -m, http.server]
                      resources: {cpu: 100m, memory: 64Mi}
                      ports: [http]
                      replicas: %d
                """.formatted(name, replicas);
    }

    static String json(String name, int replicas) {
        return """
                {"apiVersion": "atoll/v1", "kind": "Environment", "metadata": {"name": "%s"},
                 "spec": {"services": {"web": {"driver": "process", "command": ["python3", "-m", "http.server"],
                   "resources": {"cpu": "100m", "memory": "64Mi"}, "ports": ["http"], "replicas": %d}}}}
                """.formatted(name, replicas);
    }
}
