package dev.atoll.model.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UserDocumentTest {
    private static List<FieldError> errors(String text) {
        var result = SpecParser.parse(text);
        assertThat(result).isInstanceOf(SpecResult.Invalid.class);
        return ((SpecResult.Invalid) result).errors();
    }

    @Test
    void givenADuplicateKeyInYamlThenTheErrorNamesItsPathAndLine() {
        var text = """
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: hello}
                spec:
                  services:
                    web:
                      command: [a]
                      env:
                        A: "1"
                        A: "2"
                """;

        assertThat(errors(text))
                .containsExactly(new FieldError("spec.services.web.env.A", "duplicate key 'A' (line 10, column 10)"));
    }

    @Test
    void givenADuplicateKeyInJsonThenTheErrorNamesItsPath() {
        assertThat(errors("{\"apiVersion\": \"atoll/v1\", \"apiVersion\": \"atoll/v1\"}"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.path()).isEqualTo("apiVersion");
                    assertThat(e.reason()).startsWith("duplicate key 'apiVersion'");
                });
    }

    @Test
    void givenMalformedYamlThenOneErrorGivesTheParsersReasonAndWhere() {
        assertThat(errors("metadata: {name: a\nspec: [\n")).singleElement().satisfies(e -> {
            assertThat(e.path()).isEmpty();
            assertThat(e.reason())
                    .startsWith("not valid YAML: ")
                    .contains("(line ")
                    .doesNotContain("\n");
        });
        assertThat(errors("a: b: c"))
                .containsExactly(
                        new FieldError("", "not valid YAML: mapping values are not allowed here (line 1, column 5)"));
    }

    @Test
    void givenMalformedJsonThenOneErrorGivesTheParsersReasonAndWhere() {
        assertThat(errors("{\"apiVersion\": atoll}")).singleElement().satisfies(e -> {
            assertThat(e.path()).isEmpty();
            assertThat(e.reason()).startsWith("not valid JSON: ").contains("line 1, column");
        });
    }

    @Test
    void givenContentAfterAJsonDocumentThenItIsRefused() {
        assertThat(errors("{} {}")).singleElement().satisfies(e -> assertThat(e.reason())
                .startsWith("unexpected content after the end of the JSON document"));
    }

    @Test
    void givenTwoYamlDocumentsThenTheFileIsRefused() {
        assertThat(errors("apiVersion: atoll/v1\n---\napiVersion: atoll/v1\n"))
                .containsExactly(new FieldError("", "the file holds more than one YAML document; put one per file"));
    }

    @Test
    void givenAYamlAliasThenItIsRefusedRatherThanReadAsItsName() {
        var text = """
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: &n hello}
                spec:
                  services:
                    web:
                      command: [*n]
                """;

        assertThat(errors(text))
                .containsExactly(new FieldError(
                        "spec.services.web.command[0]", "YAML aliases (*n) are not supported; write the value out"));
    }

    @Test
    void givenNestingDeeperThan64ThenTheDocumentIsRefused() {
        String deepJson = "[".repeat(100) + "]".repeat(100);
        String deepYaml = "a: ".repeat(0) + "[".repeat(100) + "]".repeat(100);
        String deepBlock = buildDeepBlockYaml(100);

        for (String text : List.of(deepJson, " " + deepYaml, deepBlock)) {
            assertThat(errors(text))
                    .containsExactly(new FieldError("", "the document is nested too deeply (at most 64 levels)"));
        }
    }

    @Test
    void givenMoreThanOneMebibyteThenTheDocumentIsRefusedBeforeParsing() {
        String big = "apiVersion: atoll/v1\n# " + "x".repeat(UserDocument.MAX_BYTES) + "\n";

        assertThat(errors(big)).containsExactly(new FieldError("", "the document is larger than 1 MiB"));
    }

    @Test
    void givenMultiByteCharactersThenTheLimitCountsBytes() {
        String big = "# " + "é".repeat(UserDocument.MAX_BYTES / 2 + 1);

        assertThat(errors(big)).containsExactly(new FieldError("", "the document is larger than 1 MiB"));
    }

    @Test
    void givenATabForIndentationThenTheErrorSaysSo() {
        assertThat(errors("metadata:\n\tname: a\n")).singleElement().satisfies(e -> assertThat(e.reason())
                .contains("TAB"));
    }

    @Test
    void givenAnEmptyKeyWithNothingAfterItThenItReadsAsNull() {
        var read = UserDocument.read("a:\n");

        assertThat(read.errors()).isEmpty();
        assertThat(read.tree().orElseThrow().get("a").isNull()).isTrue();
    }

    private static String buildDeepBlockYaml(int depth) {
        var b = new StringBuilder();
        for (int i = 0; i < depth; i++)
            b.append("  ".repeat(i)).append("k").append(i).append(":\n");
        b.append("  ".repeat(depth)).append("v\n");
        return b.toString();
    }
}
