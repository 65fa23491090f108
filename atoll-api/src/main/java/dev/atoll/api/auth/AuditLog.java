package dev.atoll.api.auth;

import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.auth.AuditEntry;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An after-hook that records every request to {@code /v1} that tries to change something (any
 * method but GET, HEAD and OPTIONS), allowed or not, in the audit log of the site answering.
 * Reads are not recorded: they change nothing, and there are many; nor are paths that are no route.
 */
public final class AuditLog {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final CloudApi cloud;
    private final Clock clock;

    public AuditLog(CloudApi cloud, Clock clock) {
        this.cloud = cloud;
        this.clock = clock;
    }

    public void record(Context ctx) {
        String method = ctx.method().name();
        if (READS.contains(method) || !ctx.path().startsWith("/v1/")) return;
        Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        // A path that is no route changes nothing and names no resource: not worth a commit.
        if (endpoint == null) return;
        String route = endpoint.path;
        var caller = Authenticator.callerIfKnown(ctx);
        int status = ctx.statusCode();
        var entry = new AuditEntry(
                clock.instant(),
                "", // the site that commits it names itself
                caller.map(Caller::tenant).orElse(""),
                caller.map(Caller::tokenId).orElse(""),
                caller.map(Caller::tokenName).orElse(""),
                caller.map(c -> c.role().wireName()).orElse(""),
                method,
                route,
                ctx.path(),
                status,
                AuditEntry.outcomeOf(status));
        try {
            cloud.recordAudit(entry);
        } catch (RuntimeException e) {
            // The request is done either way; a site that cannot commit says so in its own log.
            log.warn(
                    "could not record {} {} by {} in the audit log: {}",
                    method,
                    ctx.path(),
                    entry.tokenId(),
                    e.getMessage());
        }
    }
}
