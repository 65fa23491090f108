package dev.atoll.model.auth;

import dev.atoll.model.spec.EnvironmentSpec;
import java.util.Optional;
import java.util.regex.Pattern;

/** Tenant names: DNS labels (they end up in names like web.hello.acme.atoll). */
public final class Tenants {
    /**
     * The tenant every cloud has from the start: the operator's. Its admins are the cloud admins,
     * and what is deployed without a tenant of its own lands in the caller's tenant.
     */
    public static final String CLOUD_TENANT = EnvironmentSpec.DEFAULT_TENANT;

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private Tenants() {}

    /** Why {@code name} cannot be a tenant's name, or empty when it can. */
    public static Optional<String> problemWithName(String name) {
        if (name == null || name.isEmpty()) return Optional.of("is required");
        if (!DNS_LABEL.matcher(name).matches()) {
            return Optional.of("must be a DNS label (lower-case letters, digits and '-', at most 63, starting and"
                    + " ending with a letter or digit), got \"" + clip(name) + "\"");
        }
        return Optional.empty();
    }

    private static String clip(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
