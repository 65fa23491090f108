package dev.atoll.api.image;

import dev.atoll.api.problem.Problem;
import dev.atoll.api.problem.ProblemException;
import dev.atoll.api.problem.Problems;
import dev.atoll.api.request.Requests;
import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.image.ImageRef;
import dev.atoll.model.view.ImportOutcome;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code GET /v1/images} and {@code POST /v1/images?name=NAME:TAG} with an image archive (an OCI
 * layout tar or a docker-save tar) as the body. The archive is streamed to a temporary file, never
 * held in memory, and is deleted once imported or refused.
 */
public final class ImageRoutes {
    /** Images larger than this are refused with 413 before they fill the disk. */
    public static final long MAX_ARCHIVE_BYTES = 8L << 30;

    private final CloudApi cloud;

    public ImageRoutes(CloudApi cloud) {
        this.cloud = cloud;
    }

    /** The caller's tenant's images, by the names it gave them. */
    public void list(Context ctx) {
        ctx.json(cloud.images(Requests.tenant(ctx)));
    }

    public void importArchive(Context ctx) throws IOException {
        String tenant = Requests.tenant(ctx);
        Optional<String> name = Optional.ofNullable(ctx.queryParam("name")).filter(n -> !n.isEmpty());
        if (name.isPresent()) name = Optional.of(checkName(name.get()));
        Path archive = Files.createTempFile("atoll-import-", ".tar");
        try {
            copyBounded(ctx.req().getInputStream(), archive);
            if (Files.size(archive) == 0) {
                throw new ProblemException(Problem.badField("body", "empty; send the image archive as the body"));
            }
            switch (cloud.importImage(tenant, archive, name)) {
                case ImportOutcome.Imported imported -> ctx.status(201).json(imported.image());
                case ImportOutcome.Invalid invalid ->
                    Problems.respond(
                            ctx, Problem.badField("body", "not an image archive Atoll can read: " + invalid.message()));
                case ImportOutcome.NoStore none -> Problems.respond(ctx, Problem.of(503, none.message()));
            }
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    private static String checkName(String text) {
        return switch (ImageRef.parse(text)) {
            case ImageRef.Result.Valid v
            when v.ref().name().isPresent()
                    && v.ref().digest().isEmpty()
                    && v.ref().name().get().startsWith("tenants/") ->
                throw new ProblemException(
                        Problem.badField("name", "names under tenants/ are reserved for tenants' own images"));
            case ImageRef.Result.Valid v
            when v.ref().name().isPresent() && v.ref().digest().isEmpty() ->
                v.ref().nameAndTag().orElseThrow();
            case ImageRef.Result.Valid v ->
                throw new ProblemException(
                        Problem.badField("name", "give a name and tag such as busybox:1.36, not a digest"));
            case ImageRef.Result.Invalid i -> throw new ProblemException(Problem.badField("name", i.reason()));
        };
    }

    private static void copyBounded(InputStream in, Path file) throws IOException {
        long total = 0;
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > MAX_ARCHIVE_BYTES) {
                    throw new ProblemException(Problem.of(
                            413, "the image archive is larger than the limit of " + MAX_ARCHIVE_BYTES + " bytes"));
                }
                out.write(buffer, 0, n);
            }
        }
    }
}
