package dev.atoll.cli.deploy;

import java.time.Duration;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads "120s", "2m", "500ms", "1h", a bare number of seconds, or ISO-8601 ("PT2M"). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        var m = SIMPLE.matcher(value.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
        try {
            Duration parsed = Duration.parse(value.strip());
            if (!parsed.isNegative()) return parsed;
        } catch (java.time.format.DateTimeParseException e) {
            // fall through to the one message below
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 120s, 2m or 500ms");
    }
}
