package dev.atoll.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.api.problem.Problem;
import dev.atoll.api.problem.ProblemException;
import dev.atoll.api.request.Requests;
import dev.atoll.control.auth.AuthRecords;
import dev.atoll.control.auth.TokenRecord;
import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.auth.BearerTokens;
import dev.atoll.model.auth.Role;
import dev.atoll.model.auth.TenantView;
import dev.atoll.model.auth.Tenants;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.spec.FieldError;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * /v1/tenants, /v1/tokens, /v1/whoami and /v1/audit. A token's secret is in the answer that creates
 * it and nowhere else: the cloud keeps its hash.
 */
public final class AuthRoutes {
    public static final int MAX_TOKEN_NAME = 64;
    public static final int DEFAULT_AUDIT = 100;
    public static final int MAX_AUDIT = 5000;

    private final CloudApi cloud;
    private final Clock clock;
    private final SecureRandom random;

    public AuthRoutes(CloudApi cloud, Clock clock, SecureRandom random) {
        this.cloud = cloud;
        this.clock = clock;
        this.random = random;
    }

    /** Makes a token and commits it: what `atoll dev` and a site's bootstrap do, and POST /v1/tokens. */
    public static String createToken(
            CloudApi cloud, Clock clock, SecureRandom random, String tenant, Role role, String name) {
        String text = BearerTokens.generate(random);
        var presented = BearerTokens.parse(text).orElseThrow();
        var record = new TokenRecord(
                presented.id(), tenant, role, name, BearerTokens.hash(presented.secret()), clock.instant(), null);
        cloud.changeAuth(AuthRecords.ofToken(record));
        return text;
    }

    // --- whoami ------------------------------------------------------------------------------

    public void whoami(Context ctx) {
        Caller caller = Authenticator.caller(ctx);
        ctx.json(AtollJson.json()
                .createObjectNode()
                .put("tenant", caller.tenant())
                .put("role", caller.role().wireName())
                .put("tokenId", caller.tokenId())
                .put("tokenName", caller.tokenName())
                .put("cloudAdmin", caller.cloudAdmin()));
    }

    // --- tenants -----------------------------------------------------------------------------

    /** A cloud admin sees every tenant; anyone else only its own. */
    public void listTenants(Context ctx) {
        Caller caller = Authenticator.caller(ctx);
        AuthRecords records = cloud.authRecords();
        List<TenantView> tenants = new ArrayList<>();
        tenants.add(new TenantView(Tenants.CLOUD_TENANT, null));
        tenants.addAll(records.tenants().values());
        ctx.json(tenants.stream()
                .filter(t -> caller.cloudAdmin() || t.name().equals(caller.tenant()))
                .toList());
    }

    public void createTenant(Context ctx) {
        JsonNode body = readObject(ctx, Set.of("name"));
        String name = text(body, "name");
        Tenants.problemWithName(name).ifPresent(p -> {
            throw new ProblemException(Problem.badField("name", p));
        });
        if (exists(cloud.authRecords(), name)) {
            throw new ProblemException(Problem.of(409, "tenant \"" + name + "\" already exists"));
        }
        if (cloud.authRecords().tenants().size() >= AuthRecords.MAX_TENANTS) {
            throw new ProblemException(Problem.of(
                    409, "the cloud holds " + AuthRecords.MAX_TENANTS + " tenants, its most; no more can be made"));
        }
        var tenant = new TenantView(name, clock.instant());
        cloud.changeAuth(AuthRecords.ofTenant(tenant));
        ctx.status(201).json(tenant);
    }

    private static boolean exists(AuthRecords records, String tenant) {
        return tenant.equals(Tenants.CLOUD_TENANT) || records.tenants().containsKey(tenant);
    }

    // --- tokens ------------------------------------------------------------------------------

    /** ?tenant= names whose tokens; default the caller's. Another tenant's, for a tenant admin, does not exist. */
    public void listTokens(Context ctx) {
        Caller caller = Authenticator.caller(ctx);
        String tenant = targetTenant(ctx, caller, Requests.queryFilter(ctx, "tenant"), "tenant");
        ctx.json(cloud.authRecords().tokensOf(tenant).stream()
                .map(TokenRecord::view)
                .toList());
    }

    public void createToken(Context ctx) {
        Caller caller = Authenticator.caller(ctx);
        JsonNode body = readObject(ctx, Set.of("tenant", "role", "name"));
        String tenantField = body.hasNonNull("tenant") ? text(body, "tenant") : Requests.queryFilter(ctx, "tenant");
        String tenant = targetTenant(ctx, caller, tenantField, "tenant");
        String roleText = body.hasNonNull("role") ? text(body, "role") : null;
        if (roleText == null) throw new ProblemException(Problem.badField("role", "is required: " + Role.choices()));
        Role role = Role.fromWireName(roleText)
                .orElseThrow(() -> new ProblemException(Problem.badField(
                        "role", "must be one of " + Role.choices() + ", got \"" + Requests.clip(roleText) + "\"")));
        String name = body.hasNonNull("name") ? text(body, "name").strip() : role.wireName();
        if (name.isEmpty() || name.length() > MAX_TOKEN_NAME || !name.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            throw new ProblemException(Problem.badField(
                    "name",
                    "must be 1 to " + MAX_TOKEN_NAME + " printable characters, got \"" + Requests.clip(name) + "\""));
        }
        if (cloud.authRecords().tokens().size() >= AuthRecords.MAX_TOKENS) {
            throw new ProblemException(Problem.of(
                    409, "the cloud holds " + AuthRecords.MAX_TOKENS + " tokens, its most; no more can be made"));
        }
        String text = createToken(cloud, clock, random, tenant, role, name);
        String id = BearerTokens.parse(text).orElseThrow().id();
        var view = cloud.authRecords().token(id).map(TokenRecord::view).orElseThrow();
        var answer = AtollJson.json().valueToTree(view);
        ((com.fasterxml.jackson.databind.node.ObjectNode) answer).put("token", text);
        ctx.status(201).json(answer);
    }

    public void revokeToken(Context ctx) {
        Caller caller = Authenticator.caller(ctx);
        String id = ctx.pathParam("id");
        TokenRecord token = cloud.authRecords()
                .token(id)
                .filter(t -> caller.managesTokensOf(t.tenant()))
                .orElseThrow(() -> new ProblemException(Problem.of(
                        404, "no token \"" + Requests.clip(id) + "\" in tenant \"" + caller.tenant() + "\"")));
        if (!token.revoked()) cloud.changeAuth(AuthRecords.ofToken(token.revokedAt(clock.instant())));
        ctx.json(cloud.authRecords().token(id).orElseThrow().view());
    }

    /**
     * The tenant whose tokens a request is about: the caller's own, or, for a cloud admin, any that
     * exists. A tenant admin naming another tenant gets the same 404 as for one that does not exist.
     */
    private String targetTenant(Context ctx, Caller caller, String named, String field) {
        if (named == null || named.isEmpty() || named.equals(caller.tenant())) return caller.tenant();
        Tenants.problemWithName(named).ifPresent(p -> {
            throw new ProblemException(Problem.badField(field, p));
        });
        if (!caller.cloudAdmin() || !exists(cloud.authRecords(), named)) {
            throw new ProblemException(Problem.of(
                    404,
                    field + ": no tenant \"" + named + "\""
                            + (caller.cloudAdmin() ? "; create it with atoll tenant create " + named : "")));
        }
        return named;
    }

    // --- audit -------------------------------------------------------------------------------

    /** A tenant admin reads its tenant's entries; a cloud admin every tenant's (and failed logins), or one with ?tenant=. */
    public void audit(Context ctx) {
        Caller caller = Authenticator.caller(ctx);
        int limit = Requests.queryInt(ctx, "limit", DEFAULT_AUDIT, 1, MAX_AUDIT);
        String named = Requests.queryFilter(ctx, "tenant");
        String tenant;
        if (caller.cloudAdmin()) {
            tenant = named;
        } else {
            tenant = Requests.tenant(ctx);
        }
        ctx.json(cloud.audit(tenant, limit));
    }

    // --- join tokens -------------------------------------------------------------------------

    /** A one-time join token, kept hashed at the site answering; the token is shown this once. */
    public void createJoinToken(Context ctx) {
        JsonNode body = readObject(ctx, Set.of("for", "site", "ttl"));
        String forText = text(body, "for");
        var role = dev.atoll.wire.tls.PeerRole.ofUnit(forText)
                .orElseThrow(() ->
                        new ProblemException(Problem.badField("for", "\"" + forText + "\" is not site or agent")));
        String site = body.hasNonNull("site") ? text(body, "site") : null;
        if (role == dev.atoll.wire.tls.PeerRole.AGENT && site == null) {
            throw new ProblemException(Problem.badField("site", "is required for agent tokens: the site they join"));
        }
        java.time.Duration ttl = dev.atoll.control.join.JoinTokens.DEFAULT_TTL;
        if (body.hasNonNull("ttl")) {
            String ttlText = text(body, "ttl");
            var m = java.util.regex.Pattern.compile("(\\d{1,7})(s|m|h)").matcher(ttlText);
            if (!m.matches())
                throw new ProblemException(Problem.badField("ttl", "\"" + ttlText + "\" is not like 30s, 10m or 1h"));
            long n = Long.parseLong(m.group(1));
            ttl = switch (m.group(2)) {
                case "s" -> java.time.Duration.ofSeconds(n);
                case "m" -> java.time.Duration.ofMinutes(n);
                default -> java.time.Duration.ofHours(n);
            };
            if (ttl.isZero() || ttl.compareTo(dev.atoll.control.join.JoinTokens.MAX_TTL) > 0) {
                throw new ProblemException(Problem.badField("ttl", "must be more than 0 and at most 7 days"));
            }
        }
        var issued = dev.atoll.control.join.JoinTokens.issue(random, role, site, clock.instant(), ttl);
        try {
            cloud.keepJoinToken(issued.record());
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            int colon = message.indexOf(": ");
            throw new ProblemException(
                    colon > 0
                            ? Problem.badField(message.substring(0, colon), message.substring(colon + 2))
                            : Problem.of(400, message));
        }
        var answer = AtollJson.json().createObjectNode();
        answer.put("token", issued.text());
        answer.put("id", issued.record().id());
        answer.put("for", role.unit());
        answer.put("site", issued.record().site());
        answer.put("expiresAt", issued.record().expiresAt().toString());
        ctx.status(201).json(answer);
    }

    // --- bodies ------------------------------------------------------------------------------

    private static JsonNode readObject(Context ctx, Set<String> fields) {
        String text = Requests.body(ctx, Requests.MAX_BODY_BYTES);
        JsonNode tree;
        try {
            tree = AtollJson.json().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            tree = null;
        }
        if (tree == null || !tree.isObject()) {
            throw new ProblemException(Problem.badField(
                    "body",
                    "must be a JSON object with "
                            + String.join(", ", fields.stream().sorted().toList())));
        }
        List<FieldError> unknown = new ArrayList<>();
        tree.fieldNames().forEachRemaining(f -> {
            if (!fields.contains(f)) unknown.add(new FieldError(f, "unknown field"));
        });
        if (!unknown.isEmpty()) {
            throw new ProblemException(Problem.invalid(
                    "the body has unknown fields: "
                            + String.join(
                                    ", ", unknown.stream().map(FieldError::path).toList()),
                    unknown));
        }
        return tree;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) throw new ProblemException(Problem.badField(field, "is required"));
        if (!value.isTextual()) throw new ProblemException(Problem.badField(field, "must be a string"));
        return value.asText();
    }
}
