package dev.atoll.api.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3.1 document of the REST contract, written by hand next to this class
 * (openapi.json) so it reads as the contract itself. A test checks it against the routes the server
 * actually registers.
 */
public final class OpenApiDocument {
    private static final String RESOURCE = "openapi.json";

    private OpenApiDocument() {}

    public static byte[] bytes() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null)
                throw new IllegalStateException("missing resource " + RESOURCE + " next to " + OpenApiDocument.class);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
