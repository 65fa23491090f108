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

    /**
     * Valid specs named {@code name} in the shapes users write: minimal and full YAML, flow and block
     * style, comments, compact and pretty JSON. Every one runs {@code sleep}, so a cloud with agents
     * could run it too.
     */
    static java.util.List<String> variants(String name) {
        return java.util.List.of(
                """
                apiVersion: atoll/v1
                kind: Environment
                metadata:
                  name: %s
                spec:
                  services:
                    web:
                      driver: process
                      command: [sleep, "600"]
                      replicas: 2
                """.formatted(name), """
                # a web shop: a front end and a worker
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: %s, tenant: default}
                spec:
                  services:
                    front:
                      driver: process
                      command:
                        - sleep
                        - "600"
                      env:
                        GREETING: hello
                        DEBUG: "1"
                      resources: {cpu: 250m, memory: 128Mi}
                      ports: [http, admin]
                      health:
                        tcp: {port: http}
                        interval: 2s
                        timeout: 1s
                        threshold: 3
                      replicas: 3
                      restart: on-failure
                      placement:
                        jurisdictions: [EU, UK]
                        spread: {across: site, minDomains: 2}
                    worker:
                      command: ['sleep', '600']
                      restart: never
                      replicas: 1
                """.formatted(name), """
                {"apiVersion":"atoll/v1","kind":"Environment","metadata":{"name":"%s"},"spec":{"services":{"web":{"driver":"process","command":["sleep","600"],"resources":{"cpu":"100m","memory":"64Mi"},"replicas":1}}}}
                """.formatted(name), """
                {
                  "apiVersion": "atoll/v1",
                  "kind": "Environment",
                  "metadata": {"name": "%s", "tenant": "default"},
                  "spec": {
                    "services": {
                      "api": {
                        "driver": "process",
                        "command": ["sleep", "600"],
                        "env": {"GREETING": "hello", "N": 3},
                        "ports": ["http"],
                        "health": {"http": {"path": "/healthz", "port": "http"}},
                        "replicas": 0,
                        "restart": "always"
                      },
                      "db": {"command": ["sleep", "600"], "resources": {"cpu": 1, "memory": "256Mi"}, "replicas": 1}
                    }
                  }
                }
                """.formatted(name), """
                ---
                apiVersion: "atoll/v1"
                kind: "Environment"
                metadata:
                  name: "%s"
                spec:
                  services:
                    batch:   # runs nothing useful, for a long time
                      command: [sleep, '600']
                      resources:
                        cpu: "0.5"
                        memory: 1Gi
                      replicas: 4
                      placement: {antiAffinity: node, strategy: pack, preferTags: [ssd]}
                """.formatted(
                                name));
    }
}
