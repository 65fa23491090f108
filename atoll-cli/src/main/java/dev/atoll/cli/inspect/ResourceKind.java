package dev.atoll.cli.inspect;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine;

/** The kinds of thing `atoll get` lists, with the singular, plural and short names users type. */
public enum ResourceKind {
    SITES("sites", "site"),
    NODES("nodes", "node"),
    ENVIRONMENTS("environments", "environment", "env", "envs"),
    INSTANCES("instances", "instance", "inst"),
    IMAGES("images", "image", "img"),
    NETWORKS("networks", "network", "net");

    private final List<String> names;

    ResourceKind(String... names) {
        this.names = List.of(names);
    }

    /** The name shown in help and completion. */
    public String displayName() {
        return names.getFirst();
    }

    public static Optional<ResourceKind> byName(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return Stream.of(values()).filter(k -> k.names.contains(wanted)).findFirst();
    }

    /** For `get KIND`. */
    public static final class Converter implements CommandLine.ITypeConverter<ResourceKind> {
        @Override
        public ResourceKind convert(String value) {
            return byName(value)
                    .orElseThrow(() -> new CommandLine.TypeConversionException("unknown kind '" + value
                            + "': expected sites, nodes, environments, instances, images or networks"));
        }
    }

    /** For `describe KIND` and `delete KIND`, which only know environments so far. */
    public static final class EnvironmentOnly implements CommandLine.ITypeConverter<ResourceKind> {
        @Override
        public ResourceKind convert(String value) {
            return byName(value)
                    .filter(k -> k == ENVIRONMENTS)
                    .orElseThrow(() -> new CommandLine.TypeConversionException(
                            "unknown kind '" + value + "': expected environment"));
        }
    }

    /** For `describe KIND`: environments and networks. */
    public static final class Describable implements CommandLine.ITypeConverter<ResourceKind> {
        @Override
        public ResourceKind convert(String value) {
            return byName(value)
                    .filter(k -> k == ENVIRONMENTS || k == NETWORKS)
                    .orElseThrow(() -> new CommandLine.TypeConversionException(
                            "unknown kind '" + value + "': expected environment or network"));
        }
    }

    public static final class DescribableNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("environment", "network").iterator();
        }
    }

    /** Completion candidates for `get`. */
    public static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Stream.of(values()).map(ResourceKind::displayName).iterator();
        }
    }

    public static final class EnvironmentName implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("environment").iterator();
        }
    }
}
