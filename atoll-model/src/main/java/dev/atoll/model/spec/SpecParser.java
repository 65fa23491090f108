package dev.atoll.model.spec;

import static dev.atoll.model.spec.FieldReader.quote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.model.Resources;
import dev.atoll.model.image.ImageRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads an environment spec (YAML or JSON, apiVersion atoll/v1, kind Environment) into an
 * {@link EnvironmentSpec}, or every error found with its field path. Never throws for bad input.
 *
 * <p>The whole document is read even after an error so that a user fixes everything in one round;
 * values in error are replaced by defaults to keep going, which is safe because a spec is only
 * returned when no error was found.
 */
public final class SpecParser {
    public static final String API_VERSION = "atoll/v1";
    public static final String KIND = "Environment";
    public static final Resources DEFAULT_RESOURCES = new Resources(100, 64L << 20);
    public static final int DEFAULT_REPLICAS = 1;
    public static final int MAX_REPLICAS = 1000;

    static final int MAX_SERVICES = 256;
    static final int MAX_ARGS = 256;
    static final int MAX_ARG_CHARS = 32 * 1024;
    static final int MAX_ENV = 256;
    static final int MAX_ENV_NAME_CHARS = 256;
    static final int MAX_ENV_VALUE_CHARS = 32 * 1024;
    static final int MAX_PORTS = 32;
    static final int MAX_HEALTH_THRESHOLD = 100;
    static final Duration MAX_HEALTH_DURATION = Duration.ofHours(1);
    static final String RESERVED_ENV_PREFIX = "ATOLL_";

    static final List<String> TOP_FIELDS = List.of("apiVersion", "kind", "metadata", "spec");
    static final List<String> METADATA_FIELDS = List.of("name", "tenant");
    static final List<String> SPEC_FIELDS = List.of("networks", "services");
    static final int MAX_NETWORKS = 16;
    static final int MAX_EXPOSE = 32;
    static final List<String> EXPOSE_FIELDS = List.of("port", "public");
    static final List<String> SERVICE_FIELDS = List.of(
            "driver",
            "image",
            "command",
            "env",
            "resources",
            "ports",
            "health",
            "replicas",
            "restart",
            "placement",
            "readOnly",
            "mounts",
            "networks",
            "expose");
    static final List<String> MOUNT_FIELDS = List.of("path", "type");
    static final int MAX_MOUNTS = 32;
    static final List<String> RESOURCE_FIELDS = List.of("cpu", "memory");
    static final List<String> HEALTH_FIELDS = List.of("http", "tcp", "command", "interval", "timeout", "threshold");

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern MOUNT_PATH = Pattern.compile("/[\\x21-\\x7e]+");
    private static final Pattern HTTP_PATH = Pattern.compile("/[\\x21-\\x7e]*");

    private SpecParser() {}

    /** YAML is a superset of JSON, so this reads both. */
    public static SpecResult parse(String text) {
        var read = UserDocument.read(text);
        if (!read.errors().isEmpty()) return new SpecResult.Invalid(read.errors());
        return parse(read.tree().orElse(null));
    }

    public static SpecResult parse(JsonNode tree) {
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return new SpecResult.Invalid(List.of(new FieldError(
                    "", "the document is empty; expected an Environment with apiVersion, kind, metadata and spec")));
        }
        var errors = new ArrayList<FieldError>();
        var root = FieldReader.root(tree, errors);
        if (!tree.isObject()) {
            root.error("expected an Environment: an object with apiVersion, kind, metadata and spec, got "
                    + FieldReader.describe(tree));
            return new SpecResult.Invalid(errors);
        }
        root.object(TOP_FIELDS);
        var apiVersion = root.field("apiVersion");
        if (apiVersion.required("use " + API_VERSION)) {
            apiVersion.string(s -> s.equals(API_VERSION)
                    ? Optional.empty()
                    : Optional.of(quote(s) + " is not supported; use " + API_VERSION));
        }
        var kind = root.field("kind");
        if (kind.required("use " + KIND)) {
            kind.string(
                    s -> s.equals(KIND) ? Optional.empty() : Optional.of(quote(s) + " is not supported; use " + KIND));
        }
        var metadata = root.field("metadata");
        String name = "";
        String tenant = EnvironmentSpec.DEFAULT_TENANT;
        if (metadata.required("give at least metadata.name")
                && metadata.object(METADATA_FIELDS).isPresent()) {
            var nameField = metadata.field("name");
            if (nameField.required("the environment's name, e.g. hello")) {
                name = nameField.string(FieldReader::checkDnsLabel).orElse("");
            }
            tenant = metadata.field("tenant").string(FieldReader::checkDnsLabel).orElse(tenant);
        }
        var services = new LinkedHashMap<String, ServiceSpec>();
        List<String> networks = List.of();
        var spec = root.field("spec");
        if (spec.required("give spec.services") && spec.object(SPEC_FIELDS).isPresent()) {
            networks = spec.field("networks")
                    .distinctStrings(MAX_NETWORKS, FieldReader::checkDnsLabel)
                    .orElse(List.of());
            List<String> declared = networks;
            var published = new java.util.HashMap<Integer, String>();
            var servicesField = spec.field("services");
            if (servicesField.required("a map from service name to service, e.g. web: {command: [...]}")) {
                var entries = servicesField.map("services", MAX_SERVICES);
                if (entries.isPresent() && entries.get().isEmpty()) {
                    servicesField.error("must have at least one service");
                }
                entries.orElse(Map.of()).forEach((serviceName, service) -> {
                    if (FieldReader.checkDnsLabel(serviceName).isPresent()) {
                        service.error(FieldReader.checkDnsLabel(serviceName).get());
                    }
                    services.put(serviceName, readService(serviceName, service, declared, published));
                });
            }
        }
        if (!errors.isEmpty()) return new SpecResult.Invalid(errors);
        return new SpecResult.Valid(new EnvironmentSpec(name, tenant, services, networks));
    }

    private static ServiceSpec readService(
            String name, FieldReader service, List<String> declaredNetworks, Map<Integer, String> published) {
        if (!service.present()) {
            service.error("expected an object with " + String.join(", ", SERVICE_FIELDS) + ", got null");
        }
        if (service.object(SERVICE_FIELDS).isEmpty()) {
            // Already reported; what the service would have held cannot be read, so nothing more is said.
            return new ServiceSpec(
                    name,
                    DriverKind.PROCESS,
                    List.of(),
                    Map.of(),
                    DEFAULT_RESOURCES,
                    List.of(),
                    Optional.empty(),
                    DEFAULT_REPLICAS,
                    RestartPolicy.ALWAYS,
                    PlacementIntent.NONE);
        }
        var driver = readDriver(service.field("driver"));
        List<String> command = List.of();
        var commandField = service.field("command");
        var imageField = service.field("image");
        Optional<String> image = Optional.empty();
        if (driver == DriverKind.PROCESS) {
            if (commandField.required("the program and its arguments, e.g. [python3, -m, http.server]")) {
                command = readCommand(commandField);
            }
            if (imageField.present()) imageField.error("only oci and microvm services run an image");
        } else {
            if (imageField.required("the image to run, e.g. busybox:1.36 (see atoll get images)")) {
                image = readImage(imageField);
            }
            if (commandField.present()) command = readCommand(commandField);
        }
        var env = readEnv(service.field("env"));
        var resources = readResources(service.field("resources"));
        var ports = service.field("ports")
                .distinctStrings(MAX_PORTS, FieldReader::checkDnsLabel)
                .orElse(List.of());
        var health = readHealth(service.field("health"), ports);
        int replicas = service.field("replicas").integer(0, MAX_REPLICAS).orElse(DEFAULT_REPLICAS);
        var restart = service.field("restart")
                .oneOf(wireNames(RestartPolicy.values()))
                .flatMap(RestartPolicy::fromWireName)
                .orElse(RestartPolicy.ALWAYS);
        var placement = PlacementReader.read(service.field("placement"));
        boolean readOnly = service.field("readOnly").bool().orElse(false);
        var mounts = readMounts(service.field("mounts"));
        if (driver == DriverKind.PROCESS) {
            if (readOnly) service.field("readOnly").error("only oci and microvm services have a root filesystem");
            if (!mounts.isEmpty()) service.field("mounts").error("only oci and microvm services have mounts");
        }
        var networksField = service.field("networks");
        var networks = networksField
                .distinctStrings(
                        MAX_NETWORKS,
                        network -> declaredNetworks.contains(network)
                                ? Optional.empty()
                                : Optional.of(quote(network) + " is not a network of this environment; add it to"
                                        + " spec.networks"))
                .orElse(List.of());
        var expose = readExpose(name, service.field("expose"), ports, published);
        return new ServiceSpec(
                name, driver, command, env, resources, ports, health, replicas, restart, placement, image, readOnly,
                mounts, networks, expose);
    }

    private static DriverKind readDriver(FieldReader field) {
        var text = field.string();
        if (text.isEmpty()) return DriverKind.PROCESS;
        var kind = DriverKind.fromWireName(text.get());
        if (kind.isEmpty()) {
            field.error(quote(text.get()) + " is not a driver; supported: process, oci, microvm");
            return DriverKind.PROCESS;
        }
        return kind.get();
    }

    private static Optional<String> readImage(FieldReader field) {
        return field.string().flatMap(text -> switch (ImageRef.parse(text)) {
            case ImageRef.Result.Valid v -> Optional.of(v.ref().toString());
            case ImageRef.Result.Invalid i -> {
                field.error(i.reason());
                yield Optional.empty();
            }
        });
    }

    private static List<Expose> readExpose(
            String service, FieldReader field, List<String> ports, Map<Integer, String> published) {
        var expose = new ArrayList<Expose>();
        for (var item : field.list("published ports, e.g. {port: http, public: 8080}", MAX_EXPOSE)
                .orElse(List.of())) {
            if (item.object(EXPOSE_FIELDS).isEmpty()) {
                if (!item.present()) item.error("expected an object with port, public, got null");
                continue;
            }
            var portField = item.field("port");
            portField.required("one of the service's ports, e.g. http");
            var port = portField.string(p -> ports.contains(p)
                    ? Optional.empty()
                    : Optional.of(quote(p) + " is not one of the service's ports"
                            + (ports.isEmpty() ? "; add it to ports" : " (" + String.join(", ", ports) + ")")));
            var publicField = item.field("public");
            publicField.required("the port to publish at each site's ingress, e.g. 8080");
            var publicPort = publicField.integer(1, 65535);
            if (publicPort.isPresent()) {
                String holder = published.putIfAbsent(publicPort.get(), service);
                if (holder != null) {
                    publicField.error(
                            "public port " + publicPort.get() + " is already published by service " + quote(holder));
                }
            }
            if (port.isPresent() && publicPort.isPresent()) expose.add(new Expose(port.get(), publicPort.get()));
        }
        return expose;
    }

    private static List<Mount> readMounts(FieldReader field) {
        var mounts = new ArrayList<Mount>();
        var paths = new java.util.HashSet<String>();
        for (var item : field.list("mounts, e.g. {path: /data, type: scratch}", MAX_MOUNTS)
                .orElse(List.of())) {
            if (item.object(MOUNT_FIELDS).isEmpty()) {
                if (!item.present()) item.error("expected an object with path, type, got null");
                continue;
            }
            var pathField = item.field("path");
            pathField.required("an absolute path inside the container, e.g. /data");
            var path = pathField.string(p -> MOUNT_PATH.matcher(p).matches() && !p.contains("/..") && p.length() <= 1024
                    ? Optional.empty()
                    : Optional.of(quote(p) + " is not an absolute path below /: no '..', spaces or control"
                            + " characters, at most 1024 characters"));
            var typeField = item.field("type");
            var kind = typeField
                    .oneOf(List.of("tmpfs", "scratch"))
                    .flatMap(Mount.Kind::fromWireName)
                    .orElse(Mount.Kind.SCRATCH);
            if (path.isPresent()) {
                if (!paths.add(path.get())) pathField.error(quote(path.get()) + " is mounted twice");
                else mounts.add(new Mount(path.get(), kind));
            }
        }
        return mounts;
    }

    static List<String> readCommand(FieldReader field) {
        var items = field.list("strings", MAX_ARGS);
        if (items.isEmpty()) return List.of();
        if (items.get().isEmpty()) {
            field.error("must not be empty; give the program and its arguments, e.g. [python3, -m, http.server]");
            return List.of();
        }
        var args = new ArrayList<String>();
        for (int i = 0; i < items.get().size(); i++) {
            var item = items.get().get(i);
            boolean program = i == 0;
            if (!item.present()) {
                item.error("expected a string, got null");
                continue;
            }
            item.string(arg -> {
                        if (arg.length() > MAX_ARG_CHARS)
                            return Optional.of("at most " + MAX_ARG_CHARS + " characters");
                        if (arg.indexOf('\0') >= 0) return Optional.of("must not contain a NUL character");
                        if (program && arg.isBlank()) return Optional.of("the program must not be blank");
                        return Optional.empty();
                    })
                    .ifPresent(args::add);
        }
        return args;
    }

    private static Map<String, String> readEnv(FieldReader field) {
        var env = new TreeMap<String, String>();
        field.map("environment variables", MAX_ENV).orElse(Map.of()).forEach((key, value) -> {
            if (key.length() > MAX_ENV_NAME_CHARS || !ENV_NAME.matcher(key).matches()) {
                value.error(quote(key) + " is not a valid variable name: use letters, digits and '_', not starting"
                        + " with a digit, at most " + MAX_ENV_NAME_CHARS + " characters");
            } else if (key.startsWith(RESERVED_ENV_PREFIX)) {
                value.error("names starting with " + RESERVED_ENV_PREFIX + " are set by Atoll");
            }
            if (!value.present()) {
                value.error("expected a string, number or boolean, got null");
                return;
            }
            value.scalarText().ifPresent(text -> {
                if (text.length() > MAX_ENV_VALUE_CHARS) value.error("at most " + MAX_ENV_VALUE_CHARS + " characters");
                else if (text.indexOf('\0') >= 0) value.error("must not contain a NUL character");
                else env.put(key, text);
            });
        });
        return env;
    }

    private static Resources readResources(FieldReader field) {
        field.object(RESOURCE_FIELDS);
        long cpu = field.field("cpu").cpuMillis().orElse(DEFAULT_RESOURCES.cpuMillis());
        long memory = field.field("memory").memoryBytes().orElse(DEFAULT_RESOURCES.memoryBytes());
        return new Resources(cpu, memory);
    }

    private static Optional<HealthCheck> readHealth(FieldReader field, List<String> ports) {
        if (field.object(HEALTH_FIELDS).isEmpty()) return Optional.empty();
        var probes = new ArrayList<HealthCheck.Probe>();
        var given = new ArrayList<String>();
        var http = field.field("http");
        if (http.present()) {
            given.add("http");
            http.object(List.of("path", "port"));
            String path = http.field("path")
                    .string(p -> HTTP_PATH.matcher(p).matches() && p.length() <= 2048
                            ? Optional.empty()
                            : Optional.of(quote(p) + " is not a URL path: start with '/', no spaces, at most 2048"
                                    + " characters"))
                    .orElse("/");
            probes.add(new HealthCheck.Http(path, readProbePort(http.field("port"), ports)));
        }
        var tcp = field.field("tcp");
        if (tcp.present()) {
            given.add("tcp");
            tcp.object(List.of("port"));
            probes.add(new HealthCheck.Tcp(readProbePort(tcp.field("port"), ports)));
        }
        var command = field.field("command");
        if (command.present()) {
            given.add("command");
            probes.add(new HealthCheck.Command(readCommand(command)));
        }
        if (given.isEmpty()) field.error("give one probe: http, tcp or command");
        if (given.size() > 1)
            field.error("give only one probe of http, tcp or command, got " + String.join(" and ", given));
        var interval = readDuration(field.field("interval")).orElse(HealthCheck.DEFAULT_INTERVAL);
        var timeout = readDuration(field.field("timeout")).orElse(HealthCheck.DEFAULT_TIMEOUT);
        int threshold =
                field.field("threshold").integer(1, MAX_HEALTH_THRESHOLD).orElse(HealthCheck.DEFAULT_THRESHOLD);
        if (probes.isEmpty()) return Optional.empty();
        return Optional.of(new HealthCheck(probes.getFirst(), interval, timeout, threshold));
    }

    private static String readProbePort(FieldReader field, List<String> ports) {
        if (!field.required(
                "name one of the service's ports" + (ports.isEmpty() ? "" : " (" + String.join(", ", ports) + ")"))) {
            return "";
        }
        return field.string(port -> {
                    if (ports.contains(port)) return Optional.empty();
                    if (ports.isEmpty())
                        return Optional.of(quote(port) + " is not a port of this service; add it to ports");
                    return Optional.of(
                            quote(port) + " is not one of the service's ports (" + String.join(", ", ports) + ")");
                })
                .orElse("");
    }

    private static Optional<Duration> readDuration(FieldReader field) {
        if (field.present() && !field.node().isTextual()) {
            field.error("expected a duration such as 500ms, 2s or 1m, got " + FieldReader.describe(field.node()));
            return Optional.empty();
        }
        var text = field.string();
        if (text.isEmpty()) return Optional.empty();
        var duration = text.get().length() > 64 ? Optional.<Duration>empty() : DurationText.parse(text.get());
        if (duration.isEmpty()) {
            field.error(quote(text.get()) + " is not a duration (examples: 500ms, 2s, 1m)");
            return Optional.empty();
        }
        if (duration.get().isZero() || duration.get().compareTo(MAX_HEALTH_DURATION) > 0) {
            field.error("must be more than 0 and at most 1h, got " + quote(text.get()));
            return Optional.empty();
        }
        return duration;
    }

    static List<String> wireNames(RestartPolicy[] values) {
        var names = new ArrayList<String>();
        for (var v : values) names.add(v.wireName());
        return names;
    }
}
