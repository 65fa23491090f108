package dev.atoll.api.request;

import dev.atoll.api.auth.Authenticator;
import dev.atoll.api.problem.Problem;
import dev.atoll.api.problem.ProblemException;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Reads what a request carries — the tenant, query parameters, a bounded body — and turns every
 * mistake into a 400 (or 413) problem that names the field.
 */
public final class Requests {
    /** Bodies are specs or tiny JSON objects; a MiB is far above any real spec. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private Requests() {}

    /**
     * The tenant the request acts for: always its token's. A {@code ?tenant=} may name it (older
     * clients always send one) but not another tenant: that is refused with 403 whether or not the
     * other tenant exists, so the answer tells nothing about other tenants.
     */
    public static String tenant(Context ctx) {
        String own = Authenticator.caller(ctx).tenant();
        String named = ctx.queryParam("tenant");
        if (named == null || named.isEmpty() || named.equals(own)) return own;
        if (!DNS_LABEL.matcher(named).matches()) {
            throw new ProblemException(
                    Problem.badField("tenant", "must be a DNS label (RFC 1123), got \"" + clip(named) + "\""));
        }
        throw new ProblemException(new Problem(
                403,
                "Forbidden",
                "tenant: the token is for tenant \"" + own + "\" and acts for it only, not for \"" + named + "\"",
                java.util.List.of(
                        new dev.atoll.model.spec.FieldError("tenant", "the token is for tenant \"" + own + "\""))));
    }

    public static long queryLong(Context ctx, String name, long fallback, long min, long max) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) return fallback;
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ProblemException(Problem.badField(name, "must be a whole number, got \"" + clip(text) + "\""));
        }
        if (value < min || value > max) {
            throw new ProblemException(
                    Problem.badField(name, "must be between " + min + " and " + max + ", got " + value));
        }
        return value;
    }

    public static int queryInt(Context ctx, String name, int fallback, int min, int max) {
        return (int) queryLong(ctx, name, fallback, min, max);
    }

    public static boolean queryBoolean(Context ctx, String name, boolean fallback) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) return fallback;
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default ->
                throw new ProblemException(Problem.badField(name, "must be true or false, got \"" + clip(text) + "\""));
        };
    }

    /** An optional filter: absent or empty means "any". */
    public static String queryFilter(Context ctx, String name) {
        String text = ctx.queryParam(name);
        return text == null || text.isEmpty() ? null : text;
    }

    /**
     * The body as UTF-8 text, at most {@code maxBytes}. Checks the declared Content-Length first, then
     * the bytes actually read, because a chunked body declares no length.
     */
    public static String body(Context ctx, int maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) throw tooLarge(maxBytes);
        try (InputStream in = ctx.req().getInputStream()) {
            var out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
            byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) != -1) {
                if (out.size() + n > maxBytes) throw tooLarge(maxBytes);
                out.write(chunk, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProblemException tooLarge(int maxBytes) {
        return new ProblemException(
                Problem.of(413, "the request body is larger than the limit of " + maxBytes + " bytes"));
    }

    /** Echoing user input into a message is useful; echoing a megabyte of it is not. */
    public static String clip(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
