package dev.atoll.api.console;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console's files (built by atoll-console into {@code dev/atoll/console/static/} on the
 * classpath), answered for GET requests that no API route took: {@code /app-<hash>.js} and the like
 * as themselves, cached for good (their names change with their content), and every other page path
 * (/environments/hello, /deploy) as index.html, never cached, so the browser's router shows it.
 *
 * <p>It only answers where the API has nothing: paths under /v1/ and /healthz, /metrics keep their
 * own answers (a 404 there stays a problem+json).
 */
public final class ConsoleAssets {
    static final String ROOT = "dev/atoll/console/static/";
    /** Bundle names as build.mjs writes them: a name, a content hash, an extension. */
    private static final Pattern ASSET = Pattern.compile("/[A-Za-z0-9_.-]+\\.(js|css|svg|png|ico|txt|map)");

    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "txt", "text/plain; charset=utf-8",
            "map", "application/json");

    private final ClassLoader loader;
    /** The files found, read once; names not found are not kept, so requests cannot grow it. */
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    public ConsoleAssets() {
        this(ConsoleAssets.class.getClassLoader());
    }

    ConsoleAssets(ClassLoader loader) {
        this.loader = loader;
    }

    /** Whether the console was built into this process's classpath. */
    public boolean present() {
        return read("index.html").isPresent();
    }

    /** Whether {@code path} is the console's to answer: any GET outside the API's own paths. */
    public static boolean owns(String method, String path) {
        if (!method.equals("GET") && !method.equals("HEAD")) return false;
        return !(path.equals("/v1") || path.startsWith("/v1/") || path.equals("/healthz") || path.equals("/metrics"));
    }

    /** Answers {@code ctx} with the asset or index.html; false when the console is not on the classpath. */
    public boolean respond(Context ctx) {
        String path = ctx.path();
        if (ASSET.matcher(path).matches()) {
            String name = path.substring(1);
            Optional<byte[]> asset = read(name);
            if (asset.isPresent()) {
                String ext = name.substring(name.lastIndexOf('.') + 1);
                ctx.status(200);
                ctx.header("Cache-Control", "public, max-age=31536000, immutable");
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.contentType(TYPES.get(ext)).result(asset.get());
                return true;
            }
        }
        Optional<byte[]> index = read("index.html");
        if (index.isEmpty()) return false;
        ctx.status(200);
        // Always asked again: it names the bundles of the build that serves it.
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:");
        ctx.contentType("text/html; charset=utf-8").result(index.get());
        return true;
    }

    private Optional<byte[]> read(String name) {
        byte[] known = cache.get(name);
        if (known != null) return Optional.of(known);
        try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
            if (in == null) return Optional.empty();
            byte[] bytes = in.readAllBytes();
            cache.put(name, bytes);
            return Optional.of(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
