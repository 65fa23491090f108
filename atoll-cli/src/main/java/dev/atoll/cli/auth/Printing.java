package dev.atoll.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.cli.OutputFormat;
import dev.atoll.cli.Table;
import dev.atoll.cli.Text;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;

/** Prints a JSON list as a table of some of its fields, or whole as JSON or YAML. */
final class Printing {
    private Printing() {}

    record Column(String header, Function<JsonNode, String> cell) {
        static Column field(String header, String field) {
            return new Column(header, n -> n.path(field).asText(""));
        }
    }

    static void print(
            PrintWriter out, PrintWriter err, OutputFormat format, JsonNode json, String what, List<Column> columns) {
        switch (format) {
            case JSON -> out.print(Text.prettyJson(json));
            case YAML -> out.print(Text.yaml(json));
            case TABLE, WIDE -> {
                Table table = Table.of(columns.stream().map(Column::header).toArray(String[]::new));
                for (JsonNode item : json)
                    table.row(columns.stream().map(c -> c.cell().apply(item)).toArray());
                if (table.isEmpty()) err.println("no " + what + " found");
                else out.print(table.render());
            }
        }
        out.flush();
    }
}
