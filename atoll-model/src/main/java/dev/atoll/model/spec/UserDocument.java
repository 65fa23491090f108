package dev.atoll.model.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads a document a user wrote (YAML, or JSON when it starts with '{' or '[') into a tree, with
 * the limits that keep a hostile document cheap: at most {@link #MAX_BYTES}, nesting at most
 * {@link #MAX_DEPTH}, no duplicate keys, no YAML aliases, one document. Every problem becomes one
 * {@link FieldError}; nothing is thrown. Shared by {@link SpecParser} and the topology parser.
 */
public final class UserDocument {
    public static final int MAX_BYTES = 1024 * 1024;
    public static final int MAX_DEPTH = 64;

    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH)
            .maxDocumentLength(MAX_BYTES)
            .maxStringLength(MAX_BYTES)
            .maxNumberLength(1000)
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(LIMITS)
                    .build())
            .build();
    private static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // A key with nothing after it means null (use the default), as everywhere else in YAML;
            // the factory builder does not turn this on by itself.
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .streamReadConstraints(LIMITS)
            .loaderOptions(loaderOptions())
            .build());

    private UserDocument() {}

    /** The tree, or the one reason it could not be read. A blank document reads as a null tree. */
    public record Read(Optional<JsonNode> tree, List<FieldError> errors) {
        public Read {
            errors = List.copyOf(errors);
        }

        static Read of(JsonNode tree) {
            return new Read(Optional.ofNullable(tree), List.of());
        }

        static Read failed(String path, String reason) {
            return new Read(Optional.empty(), List.of(new FieldError(path, reason)));
        }
    }

    public static Read read(String text) {
        if (text == null) return Read.of(null);
        if (text.length() > MAX_BYTES || utf8Length(text) > MAX_BYTES) {
            return Read.failed("", "the document is larger than 1 MiB");
        }
        String start = text.stripLeading();
        boolean json = start.startsWith("{") || start.startsWith("[");
        ObjectMapper mapper = json ? JSON : YAML;
        try {
            if (!json) {
                var alias = firstAlias(text);
                if (alias.isPresent()) return alias.get();
            }
            try (JsonParser parser = mapper.createParser(text)) {
                JsonNode tree = mapper.readTree(parser);
                if (tree != null && parser.nextToken() != null) {
                    return Read.failed(
                            "",
                            json
                                    ? "unexpected content after the end of the JSON document at " + location(parser)
                                    : "the file holds more than one YAML document; put one per file");
                }
                return Read.of(tree);
            }
        } catch (StreamConstraintsException e) {
            return Read.failed("", tooBig(e));
        } catch (JsonProcessingException e) {
            return Read.failed(pathOf(e), reason(e, json));
        } catch (IOException | RuntimeException e) {
            // The YAML library reports some malformed input as runtime exceptions (e.g. bad
            // escapes); a user's mistake must still come back as a value.
            return Read.failed(
                    "", "not valid " + (json ? "JSON" : "YAML") + ": " + oneLine(String.valueOf(e.getMessage())));
        } catch (StackOverflowError e) {
            return Read.failed("", "the document is nested too deeply (at most " + MAX_DEPTH + " levels)");
        }
    }

    /**
     * Jackson reads a YAML alias ({@code *name}) as the text "name", silently changing the value, so
     * aliases are refused before the tree is built.
     */
    private static Optional<Read> firstAlias(String text) throws IOException {
        try (var parser = (YAMLParser) YAML.createParser(text)) {
            while (parser.nextToken() != null) {
                if (parser.isCurrentAlias()) {
                    return Optional.of(Read.failed(
                            pathOf(parser.getParsingContext()),
                            "YAML aliases (*" + parser.getText() + ") are not supported; write the value out"));
                }
            }
        }
        return Optional.empty();
    }

    private static LoaderOptions loaderOptions() {
        var options = new LoaderOptions();
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_BYTES);
        options.setMaxAliasesForCollections(10);
        return options;
    }

    private static String reason(JsonProcessingException e, boolean json) {
        String where = e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
        if (e instanceof MarkedYAMLException marked) {
            String context = marked.getContext() == null ? "" : marked.getContext() + ": ";
            var mark = marked.getProblemMark();
            if (mark != null) where = " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")";
            return "not valid YAML: " + oneLine(context + marked.getProblem()) + where;
        }
        String message = oneLine(String.valueOf(e.getOriginalMessage()));
        if (message.startsWith("Duplicate field")) {
            return message.replace("Duplicate field", "duplicate key") + where;
        }
        return "not valid " + (json ? "JSON" : "YAML") + ": " + message + where;
    }

    private static String tooBig(StreamConstraintsException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("nesting depth"))
            return "the document is nested too deeply (at most " + MAX_DEPTH + " levels)";
        return "the document is too large: "
                + oneLine(message.replaceAll("\\(.*?\\)", "").trim());
    }

    private static String pathOf(JsonProcessingException e) {
        if (e.getProcessor() instanceof JsonParser parser
                && String.valueOf(e.getOriginalMessage()).startsWith("Duplicate")) {
            return pathOf(parser.getParsingContext());
        }
        return "";
    }

    /** The path of a parser position in the same form as FieldReader's: {@code spec.services.web.command[2]}. */
    static String pathOf(JsonStreamContext context) {
        var parts = new java.util.ArrayDeque<Object>();
        for (var c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) parts.push(Math.max(0, c.getCurrentIndex()));
            else if (c.getCurrentName() != null) parts.push(c.getCurrentName());
        }
        var reader = FieldReader.root(null, new java.util.ArrayList<>());
        for (Object part : parts) {
            reader = part instanceof Integer i ? reader.item(i) : reader.field((String) part);
        }
        return reader.path();
    }

    private static String location(JsonParser parser) {
        var l = parser.currentLocation();
        return "line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    private static String oneLine(String s) {
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 297) + "..." : flat;
    }

    private static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
