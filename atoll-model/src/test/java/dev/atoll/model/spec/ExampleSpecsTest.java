package dev.atoll.model.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The specs the README tells users to deploy parse as they are. */
class ExampleSpecsTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void everyExampleSpecIsValid() throws IOException {
        List<Path> specs;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            specs = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }

        assertThat(specs).extracting(p -> p.getFileName().toString()).contains("hello.yaml", "busybox-web.yaml");
        for (Path spec : specs) {
            assertThat(SpecParser.parse(Files.readString(spec)))
                    .as(spec.toString())
                    .isInstanceOf(SpecResult.Valid.class);
        }
    }
}
