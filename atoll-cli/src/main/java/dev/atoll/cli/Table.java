package dev.atoll.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A text table with upper-case headers and columns aligned by padding; empty cells print as "-"
 * so that columns stay countable by scripts (awk '{print $3}').
 */
public final class Table {
    private static final String GAP = "   ";

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(List<String> headers) {
        this.headers =
                headers.stream().map(h -> h.toUpperCase(java.util.Locale.ROOT)).toList();
    }

    public static Table of(String... headers) {
        return new Table(Arrays.asList(headers));
    }

    public Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(
                    "a row of " + cells.length + " cells in a table of " + headers.size() + " columns");
        }
        rows.add(Arrays.stream(cells).map(Table::cell).toList());
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table as lines, each ending in a newline; trailing blanks are trimmed. */
    public String render() {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = headers.get(c).length();
            for (var row : rows) widths[c] = Math.max(widths[c], row.get(c).length());
        }
        var text = new StringBuilder();
        line(text, headers, widths);
        for (var row : rows) line(text, row, widths);
        return text.toString();
    }

    private static void line(StringBuilder text, List<String> cells, int[] widths) {
        var line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) line.append(GAP);
            line.append(cells.get(c));
            if (c < cells.size() - 1)
                line.append(" ".repeat(widths[c] - cells.get(c).length()));
        }
        text.append(line.toString().stripTrailing()).append('\n');
    }

    private static String cell(Object value) {
        if (value == null) return "-";
        String text = value.toString().replace('\n', ' ').replace('\t', ' ');
        return text.isEmpty() ? "-" : text;
    }
}
