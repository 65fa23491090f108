package dev.atoll.api.auth;

import dev.atoll.api.problem.Problem;
import dev.atoll.api.problem.ProblemException;
import dev.atoll.control.auth.TokenRecord;
import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.auth.BearerTokens;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Optional;

/**
 * Checks the bearer token of every request to a route that needs one, and its role, before the
 * route's handler runs; the caller it finds is kept on the request for the handler ({@link
 * #caller}) and the audit log. Tokens are looked up by id and their secret's hash compared in
 * constant time ({@link BearerTokens#matches}).
 */
public final class Authenticator {
    public static final String CHALLENGE = "Bearer realm=\"atoll\"";
    private static final String CALLER = "atoll.caller";

    private final CloudApi cloud;

    public Authenticator(CloudApi cloud) {
        this.cloud = cloud;
    }

    /** {@code handler} behind a check that the request's token exists, works and has {@code access}. */
    public Handler guard(Access access, Handler handler) {
        if (access == Access.PUBLIC) return handler;
        return ctx -> {
            Caller caller = authenticate(ctx);
            if (!access.allows(caller)) {
                throw new ProblemException(Problem.of(
                        403,
                        "this needs " + access.describe() + "; the token " + caller.tokenId() + " of tenant \""
                                + caller.tenant() + "\" has the "
                                + caller.role().wireName() + " role"));
            }
            handler.handle(ctx);
        };
    }

    /** The caller a guarded handler runs for. */
    public static Caller caller(Context ctx) {
        Caller caller = ctx.attribute(CALLER);
        if (caller == null) throw new IllegalStateException("no caller: route " + ctx.path() + " is not guarded");
        return caller;
    }

    /** The caller, when the request got as far as proving one (for the audit log). */
    public static Optional<Caller> callerIfKnown(Context ctx) {
        return Optional.ofNullable(ctx.attribute(CALLER));
    }

    private Caller authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw unauthenticated(
                    ctx,
                    "this route needs a bearer token: send Authorization: Bearer <token>"
                            + " (atoll dev prints one; atoll token create makes more)");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthenticated(ctx, "the Authorization header must be \"Bearer <token>\"");
        }
        var presented = BearerTokens.parse(header.substring(7));
        if (presented.isEmpty()) throw unauthenticated(ctx, "the bearer token is not an Atoll token");
        Optional<TokenRecord> found = cloud.token(presented.get().id());
        // One answer for unknown, wrong and revoked: a caller learns nothing about which ids exist.
        if (found.isEmpty()
                || !BearerTokens.matches(presented.get().secret(), found.get().secretHash())
                || found.get().revoked()) {
            throw unauthenticated(ctx, "the bearer token is unknown or revoked");
        }
        TokenRecord token = found.get();
        Caller caller = new Caller(token.tenant(), token.id(), token.name(), token.role());
        ctx.attribute(CALLER, caller);
        return caller;
    }

    private static ProblemException unauthenticated(Context ctx, String detail) {
        ctx.header("WWW-Authenticate", CHALLENGE);
        return new ProblemException(Problem.of(401, detail));
    }
}
