package dev.atoll.model;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the quantities users write in specs and flags: cpu as cores ("2", "0.5") or
 * millicores ("500m"); memory with binary ("256Mi", "1Gi") or decimal ("1G") suffixes or plain bytes.
 */
public final class Quantities {
    private static final Pattern CPU = Pattern.compile("(\\d+(?:\\.\\d{1,3})?)(m?)");
    private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?");

    private Quantities() {}

    /** Millicores, or empty when the text is not a cpu quantity. */
    public static Optional<Long> parseCpuMillis(String text) {
        if (text == null) return Optional.empty();
        Matcher m = CPU.matcher(text.trim());
        if (!m.matches()) return Optional.empty();
        try {
            if (m.group(2).equals("m")) {
                if (m.group(1).contains(".")) return Optional.empty();
                return Optional.of(Long.parseLong(m.group(1)));
            }
            return Optional.of(
                    new java.math.BigDecimal(m.group(1)).movePointRight(3).longValueExact());
        } catch (ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Bytes, or empty when the text is not a memory quantity. */
    public static Optional<Long> parseMemoryBytes(String text) {
        if (text == null) return Optional.empty();
        Matcher m = MEMORY.matcher(text.trim());
        if (!m.matches()) return Optional.empty();
        long unit =
                switch (m.group(2) == null ? "" : m.group(2)) {
                    case "" -> 1L;
                    case "k", "K" -> 1000L;
                    case "M" -> 1000L * 1000;
                    case "G" -> 1000L * 1000 * 1000;
                    case "T" -> 1000L * 1000 * 1000 * 1000;
                    case "P" -> 1000L * 1000 * 1000 * 1000 * 1000;
                    case "Ki" -> 1L << 10;
                    case "Mi" -> 1L << 20;
                    case "Gi" -> 1L << 30;
                    case "Ti" -> 1L << 40;
                    case "Pi" -> 1L << 50;
                    default -> 0L;
                };
        try {
            return Optional.of(new java.math.BigDecimal(m.group(1))
                    .multiply(java.math.BigDecimal.valueOf(unit))
                    .setScale(0, java.math.RoundingMode.CEILING)
                    .longValueExact());
        } catch (ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public static String formatCpu(long millis) {
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : millis + "m";
    }

    /** The largest binary unit that prints the amount exactly, e.g. "1Gi", "1536Mi", "100". */
    public static String formatMemory(long bytes) {
        String[] units = {"Pi", "Ti", "Gi", "Mi", "Ki"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (units.length - i));
            if (bytes >= unit && bytes % unit == 0) return bytes / unit + units[i];
        }
        return Long.toString(bytes);
    }
}
