package dev.atoll.cli.deploy;

import dev.atoll.cli.Text;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Optional;

/** Reads and validates a spec file locally, the same way for `validate` and `deploy`. */
final class SpecCheck {
    private SpecCheck() {}

    /** The file and its valid spec, or empty after printing why not (each error as `path: reason`). */
    static Optional<Checked> check(String path, InputStream stdin, PrintWriter err) {
        SpecFile file;
        try {
            file = SpecFile.read(path, stdin);
        } catch (IOException e) {
            err.println("error: cannot read " + path + ": " + reason(e));
            return Optional.empty();
        }
        return switch (SpecParser.parse(file.text())) {
            case SpecResult.Valid valid -> Optional.of(new Checked(file, valid.spec()));
            case SpecResult.Invalid invalid -> {
                for (FieldError error : invalid.errors()) err.println(error);
                yield Optional.empty();
            }
        };
    }

    /** "environment hello, 1 service, 6 replicas". */
    static String summary(EnvironmentSpec spec) {
        int replicas =
                spec.services().values().stream().mapToInt(s -> s.replicas()).sum();
        return "environment " + spec.name() + ", " + Text.count(spec.services().size(), "service") + ", "
                + Text.count(replicas, "replica");
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    record Checked(SpecFile file, EnvironmentSpec spec) {}
}
