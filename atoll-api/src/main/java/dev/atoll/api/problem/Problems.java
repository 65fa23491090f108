package dev.atoll.api.problem;

import dev.atoll.model.json.AtollJson;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes a {@link Problem} as the response. */
public final class Problems {
    private Problems() {}

    public static void respond(Context ctx, Problem problem) {
        try {
            ctx.status(problem.status())
                    .contentType(Problem.CONTENT_TYPE)
                    .result(AtollJson.json().writeValueAsBytes(problem.toJson()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
