package dev.atoll.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.model.Quantities;
import dev.atoll.model.json.AtollJson;
import java.time.Duration;
import java.util.Locale;

/** Small wordings shared by the commands, so that every command says things the same way. */
public final class Text {
    /** Two-space indents, arrays one item a line, "key": value, as people write JSON by hand. */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE)
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));

    private Text() {}

    /** "1 service", "6 replicas". */
    public static String count(long n, String singular) {
        return n + " " + (n == 1 ? singular : singular + "s");
    }

    /** "2.1 s". */
    public static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /** "12s", "5m", "3h", "4d": how long ago, as tables show it. */
    public static String age(Duration age) {
        long s = Math.max(0, age.toSeconds());
        if (s < 120) return s + "s";
        if (s < 120 * 60) return s / 60 + "m";
        if (s < 48 * 3600) return s / 3600 + "h";
        return s / 86400 + "d";
    }

    /** Memory for reading, not for parsing back: "256Mi", "1.5Gi", "512". */
    public static String memory(long bytes) {
        String[] units = {"Ki", "Mi", "Gi", "Ti", "Pi"};
        if (bytes < 1024) return Long.toString(bytes);
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        if (value == Math.rint(value)) return (long) value + units[unit];
        return String.format(Locale.ROOT, "%.1f%s", value, units[unit]);
    }

    /** Cores: "2", "500m". */
    public static String cpu(long millis) {
        return Quantities.formatCpu(millis);
    }

    public static String prettyJson(JsonNode tree) {
        try {
            return AtollJson.json().writer(PRETTY).writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written: " + e.getMessage(), e);
        }
    }

    public static String yaml(JsonNode tree) {
        try {
            return AtollJson.yaml().writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written as YAML: " + e.getMessage(), e);
        }
    }
}
