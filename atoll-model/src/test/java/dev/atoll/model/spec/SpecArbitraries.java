package dev.atoll.model.spec;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.spec.PlacementIntent.Spread;
import dev.atoll.model.spec.PlacementIntent.Strategy;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Random valid environment specs, biased towards values that are easy to write back wrongly. */
final class SpecArbitraries {
    /** Strings YAML likes to read as something else: booleans, nulls, numbers, syntax. */
    static final List<String> TRICKY = List.of(
            "",
            " ",
            "null",
            "Null",
            "~",
            "true",
            "False",
            "yes",
            "NO",
            "on",
            "off",
            "y",
            "n",
            "123",
            "-1",
            "0x1F",
            "1e3",
            "1.0",
            ".5",
            "+1",
            "1_000",
            "0o12",
            "012",
            ".inf",
            "-.inf",
            ".nan",
            "2001-01-01",
            "12:30",
            "- a",
            "-",
            ": x",
            "a: b",
            "#c",
            "a #b",
            "'",
            "\"",
            "''",
            "\n",
            "a\nb",
            "\t",
            " lead",
            "trail ",
            "[a]",
            "{a}",
            "*x",
            "&x",
            "!tag",
            "%x",
            "@x",
            "`x",
            "|",
            ">",
            "?",
            "=",
            "<<",
            "ünïcödé",
            "日本",
            "emoji 🚀",
            "\\",
            "a\\nb",
            "\u0085",
            "\u2028",
            "\u00a0");

    private static final List<String> COUNTRIES = List.of("DE", "GB", "US", "FR", "NO", "CH", "SG", "HK", "JP");

    private SpecArbitraries() {}

    static Arbitrary<String> dnsLabels() {
        var chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        var edge = Arbitraries.strings().withChars(chars).ofLength(1);
        var middle = Arbitraries.strings().withChars(chars + "-").ofMaxLength(61);
        var composed = Combinators.combine(edge, middle, edge).as((a, b, c) -> a + b + c);
        return Arbitraries.oneOf(
                composed,
                edge,
                Arbitraries.of("web", "db", "123", "1e3", "0x1f", "yes", "no", "on", "null", "true", "1-2", "07"));
    }

    static Arbitrary<String> text() {
        // Below the surrogates and without NUL: every such string is a valid argument.
        var any = Arbitraries.strings().withCharRange('\u0001', '\ud7ff').ofMaxLength(40);
        var ascii = Arbitraries.strings().withCharRange('\u0001', '\u007f').ofMaxLength(20);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of(TRICKY)),
                net.jqwik.api.Tuple.of(3, ascii),
                net.jqwik.api.Tuple.of(2, any),
                net.jqwik.api.Tuple.of(
                        1, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10)));
    }

    static Arbitrary<List<String>> commands() {
        var program = text().filter(s -> !s.isBlank());
        return Combinators.combine(program, text().list().ofMaxSize(6)).as((p, rest) -> {
            var all = new ArrayList<String>();
            all.add(p);
            all.addAll(rest);
            return all;
        });
    }

    static Arbitrary<String> envNames() {
        var first = Arbitraries.strings().withChars("ABCXYZabc_").ofLength(1);
        var rest = Arbitraries.strings().withChars("ABCXYZabc_0129").ofMaxLength(12);
        // No T, O or L after the first character, so never the reserved ATOLL_ prefix.
        return Combinators.combine(first, rest).as(String::concat);
    }

    static Arbitrary<Resources> resources() {
        var cpu = Arbitraries.oneOf(
                Arbitraries.longs().between(1, FieldReader.MAX_CPU_MILLIS),
                Arbitraries.longs().between(1, 64).map(c -> c * 1000),
                Arbitraries.of(100L, 250L, 500L, 1500L));
        var memory = Arbitraries.oneOf(
                Arbitraries.longs().between(1, FieldReader.MAX_MEMORY_BYTES),
                Arbitraries.longs().between(1, 4096).map(m -> m << 20),
                Arbitraries.longs().between(1, 64).map(g -> g << 30),
                Arbitraries.of(1L, 1000L, 1_000_000_000L, FieldReader.MAX_MEMORY_BYTES));
        return Combinators.combine(cpu, memory).as(Resources::new);
    }

    static Arbitrary<Duration> durations() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(1, 3_600_000).map(Duration::ofMillis),
                Arbitraries.longs().between(1, 3600).map(Duration::ofSeconds),
                Arbitraries.longs().between(1, 60).map(Duration::ofMinutes),
                Arbitraries.of(Duration.ofHours(1)));
    }

    /**
     * A health check whose http or tcp probe names port {@code "#i"}: the i-th of the service's
     * ports, filled in by {@link #services()} (flat-mapping on the ports would be much slower).
     */
    static Arbitrary<Optional<HealthCheck>> health() {
        var path = Arbitraries.strings().withCharRange('!', '~').ofMaxLength(30).map(s -> "/" + s);
        var portIndex = Arbitraries.integers().between(0, 3).map(i -> "#" + i);
        Arbitrary<HealthCheck.Probe> probe = Arbitraries.oneOf(
                commands().map(HealthCheck.Command::new),
                Combinators.combine(path, portIndex).as(HealthCheck.Http::new),
                portIndex.map(HealthCheck.Tcp::new));
        var check = Combinators.combine(
                        probe, durations(), durations(), Arbitraries.integers().between(1, 100))
                .as(HealthCheck::new);
        return check.optional(0.6);
    }

    private static Optional<HealthCheck> withPorts(Optional<HealthCheck> health, List<String> ports) {
        if (health.isEmpty()) return health;
        var h = health.get();
        HealthCheck.Probe probe =
                switch (h.probe()) {
                    case HealthCheck.Command c -> c;
                    case HealthCheck.Http http
                    when !ports.isEmpty() -> new HealthCheck.Http(http.path(), pick(http.port(), ports));
                    case HealthCheck.Tcp tcp when !ports.isEmpty() -> new HealthCheck.Tcp(pick(tcp.port(), ports));
                    default -> null;
                };
        if (probe == null) return Optional.empty();
        return Optional.of(new HealthCheck(probe, h.interval(), h.timeout(), h.threshold()));
    }

    private static String pick(String placeholder, List<String> ports) {
        return ports.get(Integer.parseInt(placeholder.substring(1)) % ports.size());
    }

    static Arbitrary<PlacementIntent> placements() {
        var jurisdictions = Arbitraries.of("EU", "UK", "US", "CH", "SG", "HK", "X-1", "NO")
                .set()
                .ofMaxSize(3);
        var countries = Arbitraries.of(COUNTRIES).set().ofMaxSize(3);
        var siteNames = dnsLabels().set().ofMaxSize(6);
        var tags = Arbitraries.of("ssd", "gpu", "green", "tier=gold", "a.b", "x/y", "1", "yes", "null")
                .set()
                .ofMaxSize(3);
        var regions = Combinators.combine(
                        dnsLabels(),
                        Arbitraries.oneOf(
                                Arbitraries.doubles().between(-90, 90), Arbitraries.of(-90.0, 90.0, 0.0, -0.0, 1e-300)),
                        Arbitraries.oneOf(
                                Arbitraries.doubles().between(-180, 180), Arbitraries.of(-180.0, 180.0, 1.5e-7)),
                        Arbitraries.integers().between(1, 60_000).optional())
                .as((name, lat, lon, max) -> new UserRegion(name, new GeoPoint(lat, lon), max))
                .list()
                .ofMaxSize(3)
                .uniqueElements(UserRegion::name);
        var spread = Combinators.combine(
                        Arbitraries.of(Domain.class), Arbitraries.integers().between(1, 1000))
                .as(Spread::new)
                .optional();
        var rest = Combinators.combine(
                        regions, spread, Arbitraries.of(AntiAffinity.class), Arbitraries.of(Strategy.class))
                .as(List::<Object>of);
        return Combinators.combine(jurisdictions, countries, siteNames, siteNames, tags, tags, rest)
                .as((j, c, sites, avoid, require, prefer, r) -> {
                    var avoidOnly = new HashSet<>(avoid);
                    avoidOnly.removeAll(sites);
                    @SuppressWarnings("unchecked")
                    var nearUsers = (List<UserRegion>) r.get(0);
                    @SuppressWarnings("unchecked")
                    var spreadValue = (Optional<Spread>) r.get(1);
                    return new PlacementIntent(
                            j,
                            c,
                            sites,
                            avoidOnly,
                            require,
                            prefer,
                            nearUsers,
                            spreadValue,
                            (AntiAffinity) r.get(2),
                            (Strategy) r.get(3));
                })
                .edgeCases(e -> e.add(PlacementIntent.NONE));
    }

    /** Services named "unnamed"; {@link #specs()} names them. */
    static Arbitrary<ServiceSpec> services() {
        var ports = dnsLabels().list().ofMaxSize(4).uniqueElements();
        var template = Combinators.combine(
                        commands(),
                        Arbitraries.maps(envNames(), text()).ofMaxSize(5),
                        resources(),
                        ports,
                        Arbitraries.integers().between(0, 1000),
                        Arbitraries.of(RestartPolicy.class),
                        placements())
                .as((command, env, resources, p, replicas, restart, placement) -> new ServiceSpec(
                        "unnamed",
                        DriverKind.PROCESS,
                        command,
                        env,
                        resources,
                        p,
                        Optional.empty(),
                        replicas,
                        restart,
                        placement));
        return Combinators.combine(template, health())
                .as((s, h) -> new ServiceSpec(
                        s.name(),
                        s.driver(),
                        s.command(),
                        s.env(),
                        s.resources(),
                        s.ports(),
                        withPorts(h, s.ports()),
                        s.replicas(),
                        s.restart(),
                        s.placement()));
    }

    static Arbitrary<EnvironmentSpec> specs() {
        var names = dnsLabels().list().ofSize(3).uniqueElements();
        var services = services().list().ofMinSize(1).ofMaxSize(3);
        var tenants = Arbitraries.oneOf(Arbitraries.just("default"), dnsLabels());
        return Combinators.combine(dnsLabels(), tenants, names, services).as((name, tenant, serviceNames, list) -> {
            Map<String, ServiceSpec> map = new LinkedHashMap<>();
            for (int i = 0; i < list.size(); i++) {
                var s = list.get(i);
                var n = serviceNames.get(i);
                map.put(
                        n,
                        new ServiceSpec(
                                n,
                                s.driver(),
                                s.command(),
                                s.env(),
                                s.resources(),
                                s.ports(),
                                s.health(),
                                s.replicas(),
                                s.restart(),
                                s.placement()));
            }
            return new EnvironmentSpec(name, tenant, map);
        });
    }
}
