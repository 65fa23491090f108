package dev.atoll.api.auth;

import dev.atoll.model.auth.Role;
import java.util.Optional;

/**
 * What a route needs of its caller. Public routes need no token; the others need a valid token of
 * at least a role, in the caller's own tenant; {@link #CLOUD_ADMIN} needs an admin of the cloud's
 * own tenant.
 */
public enum Access {
    PUBLIC(null),
    VIEWER(Role.VIEWER),
    DEPLOYER(Role.DEPLOYER),
    ADMIN(Role.ADMIN),
    CLOUD_ADMIN(Role.ADMIN);

    private final Role role;

    Access(Role role) {
        this.role = role;
    }

    /** The least role a token needs, empty for a public route. */
    public Optional<Role> role() {
        return Optional.ofNullable(role);
    }

    public boolean allows(Caller caller) {
        return switch (this) {
            case PUBLIC -> true;
            case CLOUD_ADMIN -> caller.cloudAdmin();
            default -> caller.role().allows(role);
        };
    }

    /** How a refusal names what was needed. */
    public String describe() {
        return switch (this) {
            case PUBLIC -> "no token";
            case VIEWER -> "the viewer role (or deployer, or admin)";
            case DEPLOYER -> "the deployer role (or admin)";
            case ADMIN -> "the admin role";
            case CLOUD_ADMIN -> "the admin role in the cloud's own tenant \"default\" (a cloud admin)";
        };
    }
}
