package dev.atoll.api;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.atoll.model.Quantities;
import dev.atoll.model.Resources;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.RestartPolicy;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.spec.SpecResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A stand-in for SpecParser and SpecWriter while they are being written: a strict reader of a small
 * subset of the spec (rejects whatever it cannot parse with Jackson, unknown fields and wrong types)
 * and a writer of the same subset. Never throws.
 */
final class FakeSpecFormat {
    private static final YAMLMapper YAML = YAMLMapper.builder(new YAMLFactory())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Set<String> ROOT = Set.of("apiVersion", "kind", "metadata", "spec");
    private static final Set<String> METADATA = Set.of("name", "tenant");
    private static final Set<String> SERVICE =
            Set.of("driver", "command", "env", "resources", "ports", "health", "replicas", "restart", "placement");

    private FakeSpecFormat() {}

    static SpecResult read(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (Exception e) {
            return invalid("", "not YAML or JSON");
        }
        var errors = new ArrayList<FieldError>();
        if (root == null || !root.isObject()) return invalid("", "must be an object");
        unknown(root, ROOT, "", errors);
        if (!"atoll/v1".equals(text(root, "apiVersion"))) errors.add(new FieldError("apiVersion", "must be atoll/v1"));
        if (!"Environment".equals(text(root, "kind"))) errors.add(new FieldError("kind", "must be Environment"));
        JsonNode metadata = root.path("metadata");
        String name = null;
        String tenant = EnvironmentSpec.DEFAULT_TENANT;
        if (!metadata.isObject()) {
            errors.add(new FieldError("metadata", "must be an object"));
        } else {
            unknown(metadata, METADATA, "metadata.", errors);
            name = text(metadata, "name");
            if (name == null || !DNS_LABEL.matcher(name).matches()) {
                errors.add(new FieldError("metadata.name", "must be a DNS label"));
            }
            if (metadata.has("tenant")) {
                tenant = text(metadata, "tenant");
                if (tenant == null || !DNS_LABEL.matcher(tenant).matches()) {
                    errors.add(new FieldError("metadata.tenant", "must be a DNS label"));
                }
            }
        }
        JsonNode spec = root.path("spec");
        var services = new LinkedHashMap<String, ServiceSpec>();
        if (!spec.isObject()) {
            errors.add(new FieldError("spec", "must be an object"));
        } else {
            unknown(spec, Set.of("services"), "spec.", errors);
            JsonNode svcs = spec.path("services");
            if (!svcs.isObject() || svcs.isEmpty()) {
                errors.add(new FieldError("spec.services", "must name at least one service"));
            } else {
                svcs.properties().forEach(e -> service(e.getKey(), e.getValue(), errors)
                        .ifPresent(s -> services.put(s.name(), s)));
            }
        }
        if (!errors.isEmpty()) return new SpecResult.Invalid(errors);
        return new SpecResult.Valid(new EnvironmentSpec(name, tenant, services));
    }

    private static Optional<ServiceSpec> service(String name, JsonNode node, List<FieldError> errors) {
        String path = "spec.services." + name;
        int before = errors.size();
        if (!DNS_LABEL.matcher(name).matches()) errors.add(new FieldError(path, "service name must be a DNS label"));
        if (!node.isObject()) {
            errors.add(new FieldError(path, "must be an object"));
            return Optional.empty();
        }
        unknown(node, SERVICE, path + ".", errors);
        var driver = DriverKind.fromWireName(node.has("driver") ? text(node, "driver") : "process");
        if (driver.isEmpty()) errors.add(new FieldError(path + ".driver", "must be process, oci or microvm"));
        var command = new ArrayList<String>();
        JsonNode cmd = node.path("command");
        if (!cmd.isArray() || cmd.isEmpty()) errors.add(new FieldError(path + ".command", "must be a non-empty list"));
        else
            cmd.forEach(c -> {
                if (c.isTextual()) command.add(c.asText());
                else errors.add(new FieldError(path + ".command", "must be a list of strings"));
            });
        var env = new TreeMap<String, String>();
        JsonNode envNode = node.path("env");
        if (!envNode.isMissingNode()) {
            if (!envNode.isObject()) errors.add(new FieldError(path + ".env", "must be a map"));
            else
                envNode.properties().forEach(e -> {
                    if (e.getValue().isValueNode() && !e.getValue().isNull())
                        env.put(e.getKey(), e.getValue().asText());
                    else errors.add(new FieldError(path + ".env." + e.getKey(), "must be a scalar"));
                });
        }
        long cpu = 100;
        long memory = 64L << 20;
        JsonNode res = node.path("resources");
        if (!res.isMissingNode()) {
            if (!res.isObject()) errors.add(new FieldError(path + ".resources", "must be an object"));
            else {
                unknown(res, Set.of("cpu", "memory"), path + ".resources.", errors);
                if (res.has("cpu")) {
                    var c = Quantities.parseCpuMillis(res.get("cpu").asText());
                    if (c.isEmpty() || !res.get("cpu").isValueNode())
                        errors.add(new FieldError(path + ".resources.cpu", "not a quantity"));
                    else cpu = c.get();
                }
                if (res.has("memory")) {
                    var m = Quantities.parseMemoryBytes(res.get("memory").asText());
                    if (m.isEmpty() || !res.get("memory").isValueNode())
                        errors.add(new FieldError(path + ".resources.memory", "not a quantity"));
                    else memory = m.get();
                }
            }
        }
        var ports = new ArrayList<String>();
        JsonNode portsNode = node.path("ports");
        if (!portsNode.isMissingNode()) {
            if (!portsNode.isArray()) errors.add(new FieldError(path + ".ports", "must be a list"));
            else
                portsNode.forEach(p -> {
                    if (p.isTextual() && DNS_LABEL.matcher(p.asText()).matches()) ports.add(p.asText());
                    else errors.add(new FieldError(path + ".ports", "must be a list of port names"));
                });
        }
        int replicas = 1;
        JsonNode rep = node.path("replicas");
        if (!rep.isMissingNode()) {
            if (!rep.isIntegralNumber() || !rep.canConvertToInt() || rep.intValue() < 0 || rep.intValue() > 1000) {
                errors.add(new FieldError(path + ".replicas", "must be between 0 and 1000"));
            } else replicas = rep.intValue();
        }
        var restart = RestartPolicy.fromWireName(node.has("restart") ? text(node, "restart") : "always");
        if (restart.isEmpty()) errors.add(new FieldError(path + ".restart", "must be always, on-failure or never"));
        for (String opaque : List.of("health", "placement")) {
            if (node.has(opaque) && !node.get(opaque).isObject())
                errors.add(new FieldError(path + "." + opaque, "must be an object"));
        }
        if (errors.size() > before) return Optional.empty();
        return Optional.of(new ServiceSpec(
                name,
                driver.get(),
                command,
                env,
                new Resources(cpu, memory),
                ports,
                Optional.empty(),
                replicas,
                restart.get(),
                PlacementIntent.NONE));
    }

    static ObjectNode write(EnvironmentSpec spec) {
        var root = AtollJson.json().createObjectNode();
        root.put("apiVersion", "atoll/v1").put("kind", "Environment");
        root.putObject("metadata").put("name", spec.name()).put("tenant", spec.tenant());
        var services = root.putObject("spec").putObject("services");
        spec.services().forEach((name, s) -> {
            var node = services.putObject(name);
            node.put("driver", s.driver().wireName());
            var cmd = node.putArray("command");
            s.command().forEach(cmd::add);
            node.put("replicas", s.replicas());
            node.put("restart", s.restart().wireName());
        });
        return root;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static void unknown(JsonNode node, Set<String> known, String prefix, List<FieldError> errors) {
        node.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) errors.add(new FieldError(prefix + f, "unknown field"));
        });
    }

    private static SpecResult invalid(String path, String reason) {
        return new SpecResult.Invalid(List.of(new FieldError(path, reason)));
    }
}
